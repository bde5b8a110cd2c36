import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link, useRouteError } from 'react-router';
import { ErrorAlert } from './ErrorAlert';

/** What a page that threw shows: the error in words and a way back, not a blank screen. */
export function RouteError() {
  const error = useRouteError();
  return (
    <Center py="xl">
      <Stack maw={600}>
        <ErrorAlert error={error instanceof Error ? error : new Error(String((error as { statusText?: string })?.statusText ?? error))} />
        <Button component={Link} to="/" variant="light">
          Back to the dashboard
        </Button>
      </Stack>
    </Center>
  );
}

export function NotFound() {
  return (
    <Stack>
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text>There is nothing at this address.</Text>
      <Button component={Link} to="/" variant="light" w="fit-content">
        Back to the dashboard
      </Button>
    </Stack>
  );
}
