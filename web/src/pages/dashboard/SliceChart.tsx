// One of the dashboard's device charts (a donut or horizontal bars) with its legend: the legend
// lists every slice's figure as a link to the filtered list, so the chart has a text alternative
// that a keyboard and a screen reader can use, and a click on a slice or a bar goes to the same
// place.
import { BarChart, DonutChart } from '@mantine/charts';
import { Box, Card, ColorSwatch, getThemeColor, Group, NavLink, Stack, Text, Title, useMantineTheme, VisuallyHidden } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { describe, Slice } from './dashboard-data';
import { noun } from '../../lib/format';

interface Props {
  title: string;
  slices: Slice[];
  kind: 'donut' | 'bars';
  /** the figure in the donut's middle */
  centre?: number;
}

export function SliceChart({ title, slices, kind, centre }: Props) {
  const navigate = useNavigate();
  const open = (s: Slice | undefined) => s?.href && navigate(s.href);
  const byLabel = new Map(slices.map((s) => [s.label, s]));
  const headingId = `chart-${title.replace(/\W+/g, '-').toLowerCase()}`;

  return (
    <Card withBorder padding="md" component="section" aria-labelledby={headingId}>
      <Title order={2} size="h5" id={headingId} mb="sm">
        {title}
      </Title>
      {slices.length === 0 ? (
        <Text c="dimmed" size="sm">
          No devices.
        </Text>
      ) : (
        <Stack gap="sm">
          {/* the chart is one picture to assistive technology; the legend below has its figures */}
          <Box role="img" aria-label={describe(title, slices)}>
            {kind === 'donut' ? (
              <DonutChart
                mx="auto"
                size={160}
                thickness={26}
                paddingAngle={1}
                accessibilityLayer={false}
                chartLabel={centre?.toLocaleString()}
                tooltipDataSource="segment"
                data={slices.map((s) => ({ name: s.label, value: s.count, color: s.color }))}
                cellProps={(cell) => {
                  const s = byLabel.get(cell.name);
                  return s?.href ? { onClick: () => open(s), style: { cursor: 'pointer' } } : {};
                }}
              />
            ) : (
              <BarChart
                h={Math.max(90, slices.length * 30 + 30)}
                orientation="vertical"
                dataKey="label"
                data={slices.map((s) => ({ label: s.label, count: s.count, color: s.color }))}
                series={[{ name: 'count', label: 'Devices' }]}
                accessibilityLayer={false}
                withBarValueLabel
                gridAxis="none"
                tickLine="none"
                xAxisProps={{ hide: true, allowDecimals: false }}
                yAxisProps={{ width: 110 }}
                barProps={{
                  cursor: 'pointer',
                  onClick: (entry: { payload?: { label?: string } }) => open(byLabel.get(entry?.payload?.label ?? '')),
                }}
              />
            )}
          </Box>
          <Legend title={title} slices={slices} />
        </Stack>
      )}
    </Card>
  );
}

function Legend({ title, slices }: { title: string; slices: Slice[] }) {
  const theme = useMantineTheme();
  return (
    <Box component="ul" aria-label={`${title}, figures`} m={0} p={0} style={{ listStyle: 'none' }}>
      {slices.map((s) => {
        const swatch = <ColorSwatch color={getThemeColor(s.color, theme)} size={10} withShadow={false} aria-hidden />;
        // the link is named by what it shows ("Windows 12 devices": the word is for screen readers)
        const count = (
          <Text size="sm" fw={600}>
            {s.count.toLocaleString()}
            <VisuallyHidden> {noun(s.count, 'device')}</VisuallyHidden>
          </Text>
        );
        return (
          <li key={s.key || s.label}>
            {s.href ? (
              <NavLink component={Link} to={s.href} py={3} px={6} label={s.label} leftSection={swatch} rightSection={count} />
            ) : (
              <Group gap="xs" wrap="nowrap" justify="space-between" py={3} px={6}>
                <Group gap="xs" wrap="nowrap">
                  {swatch}
                  <Text size="sm" c="dimmed">
                    {s.label}
                  </Text>
                </Group>
                {count}
              </Group>
            )}
          </li>
        );
      })}
    </Box>
  );
}
