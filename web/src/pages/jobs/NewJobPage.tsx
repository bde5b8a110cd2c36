// /jobs/new — the new-job wizard: 1 what, 2 targets (with a live count), 3 when, 4 review →
// POST /api/jobs. The step (?step=) and every field live in the URL, so a link such as
// /jobs/new?deviceIds=1,2&kind=software.install (from a device's page) prefills it and a reload
// keeps it. Errors from the server are shown in words, with the step that holds each field.
// With ?edit=ID (a job page's Edit, which fills the fields from the job) it changes that job
// instead: PATCH /api/jobs/:id, its kind fixed, for its next runs.
import { useEffect, useState } from 'react';
import { Alert, Anchor, Breadcrumbs, Button, Group, List, Paper, Stepper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconArrowLeft, IconArrowRight, IconCheck } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { useUrlParams } from '../../lib/url-state';
import { kindLabel } from './job-labels';
import { ReviewStep } from './ReviewStep';
import { TargetsStep } from './TargetsStep';
import { browserTimezone } from './timezones';
import { WhatStep } from './WhatStep';
import { WhenStep } from './WhenStep';
import { buildBody, fromParams, stepOfField, stepProblems, toParams, WizardState } from './wizard-state';

const STEPS = ['What', 'Targets', 'When', 'Review'];

/** The fields a 400 names: the server's details are [{field, messages}] (or, elsewhere, {field: messages}). */
function errorFields(err: unknown): string[] {
  if (!(err instanceof ApiError) || !err.details) return [];
  if (Array.isArray(err.details)) return err.details.map((d) => (d as { field?: unknown }).field).filter((f): f is string => typeof f === 'string');
  return Object.keys(err.details);
}

export default function NewJobPage() {
  const [params, setParams] = useUrlParams();
  const canCreate = useCan('technician');
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [state, setState] = useState<WizardState>(() => fromParams(params, browserTimezone()));
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const step = Math.min(4, Math.max(1, Number.parseInt(params.step ?? '1', 10) || 1));
  const editId = Number.parseInt(params.edit ?? '', 10) || undefined;
  const editing = editId !== undefined;
  // the job being changed: its name for the header
  const saved = useQuery({ queryKey: ['jobs', editId, 'detail'], queryFn: () => unwrap(api.GET('/api/jobs/{id}', { params: { path: { id: editId! } } })), enabled: editing });
  const jobTitle = saved.data?.name ? `"${saved.data.name}"` : `job ${editId}`;
  const set = (patch: Partial<WizardState>) => setState((s) => ({ ...s, ...patch }));

  // the URL follows the fields (replacing, so Back walks the steps rather than every keystroke)
  useEffect(() => {
    const want = toParams(state);
    const differs = Object.entries(want).some(([k, v]) => (params[k] ?? undefined) !== v);
    if (!differs) return;
    const t = setTimeout(() => setParams(want, { replace: true }), 250);
    return () => clearTimeout(t);
  }, [state, params, setParams]);

  const problems = stepProblems(step, state);
  const goTo = (n: number) => {
    setTried(false);
    setParams({ ...toParams(state), step: n === 1 ? undefined : n });
    window.scrollTo({ top: 0 });
  };
  const next = () => {
    if (problems.length) return setTried(true);
    goTo(step + 1);
  };
  const allProblems = [1, 2, 3].flatMap((n) => stepProblems(n, state).map((p) => [n, p] as const));

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const b = buildBody(state);
      let id: number;
      if (editing) {
        // every field the wizard has, a cleared one as null (PATCH keeps what a body leaves out:
        // the job's absolute deadline, which the wizard has no field for)
        const body = { ...b, name: b.name ?? null, schedule: b.schedule ?? null, windowIds: b.windowIds ?? [], deadlineMinutes: b.deadlineMinutes ?? null, credentialId: b.credentialId ?? null };
        id = (await unwrap(api.PATCH('/api/jobs/{id}', { params: { path: { id: editId } }, body: body as unknown as Schemas['UpdateJobDto'] }))).id;
        notifications.show({ color: 'green', title: 'Job saved', message: `Its next runs use these settings (job ${id}).` });
      } else {
        id = (await unwrap(api.POST('/api/jobs', { body: b }))).id;
        notifications.show({
          color: 'green',
          title: 'Job created',
          message: state.when === 'now' ? `${kindLabel(state.kind)} started (job ${id}).` : `${kindLabel(state.kind)} scheduled (job ${id}).`,
        });
      }
      void qc.invalidateQueries({ queryKey: ['jobs'] });
      navigate(`/jobs/${id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const errorSteps = [...new Set(errorFields(error).map(stepOfField))].sort();

  if (!canCreate) {
    return (
      <>
        <PageHeader title="New job" />
        <Alert color="yellow" icon={<IconAlertCircle size={18} />} title="Not allowed">
          Only technicians and admins create jobs. <Anchor component={Link} to="/jobs">Back to the jobs</Anchor>
        </Alert>
      </>
    );
  }

  return (
    <>
      <Breadcrumbs mb="xs">
        <Anchor component={Link} to="/jobs" size="sm">
          Jobs
        </Anchor>
        {editing && (
          <Anchor component={Link} to={`/jobs/${editId}`} size="sm">
            Job {editId}
          </Anchor>
        )}
        <Text size="sm">{editing ? 'Edit' : 'New job'}</Text>
      </Breadcrumbs>
      <PageHeader title={editing ? `Edit ${jobTitle}` : 'New job'} subtitle={`Step ${step} of 4: ${STEPS[step - 1]}${editing ? ' · the changes apply to its next runs' : ''}`} />
      <ErrorAlert error={saved.error} title="The job could not be loaded" />
      <Stepper active={step - 1} onStepClick={(i) => i < step - 1 && goTo(i + 1)} allowNextStepsSelect={false} size="sm" mb="md" aria-label="Steps">
        {STEPS.map((label, i) => (
          <Stepper.Step key={label} label={label} description={i === 0 && step > 1 ? kindLabel(state.kind) : undefined} />
        ))}
      </Stepper>
      <Paper withBorder p="md">
        {step === 1 && <WhatStep state={state} set={set} editing={editing} />}
        {step === 2 && <TargetsStep state={state} set={set} />}
        {step === 3 && <WhenStep state={state} set={set} editing={editing} />}
        {step === 4 && (
          <>
            <ReviewStep state={state} editing={editing} />
            {allProblems.length > 0 && (
              <Alert color="yellow" mt="md" title="Not ready yet" icon={<IconAlertCircle size={18} />}>
                <List size="sm">
                  {allProblems.map(([n, p]) => (
                    <List.Item key={p}>
                      {p}{' '}
                      <Anchor component="button" type="button" size="sm" onClick={() => goTo(n)}>
                        Go to step {n}
                      </Anchor>
                    </List.Item>
                  ))}
                </List>
              </Alert>
            )}
            <ErrorAlert error={error} title={editing ? 'The job was not saved' : 'The job was not created'} />
            {error instanceof ApiError && errorSteps.length > 0 && (
              <Group gap="xs">
                {errorSteps.map((n) => (
                  <Button key={n} size="xs" variant="light" onClick={() => goTo(n)}>
                    Fix step {n}: {STEPS[n - 1]}
                  </Button>
                ))}
              </Group>
            )}
          </>
        )}
        {tried && problems.length > 0 && (
          <Alert color="red" mt="md" role="alert" title="Before the next step" icon={<IconAlertCircle size={18} />}>
            <List size="sm">
              {problems.map((p) => (
                <List.Item key={p}>{p}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="space-between" mt="lg">
          {step > 1 ? (
            <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={() => goTo(step - 1)}>
              Back
            </Button>
          ) : (
            <Button variant="default" component={Link} to={editing ? `/jobs/${editId}` : '/jobs'}>
              Discard
            </Button>
          )}
          {step < 4 ? (
            <Button rightSection={<IconArrowRight size={16} />} onClick={next}>
              Next
            </Button>
          ) : (
            <Button leftSection={<IconCheck size={16} />} onClick={submit} loading={busy} disabled={allProblems.length > 0}>
              {editing ? 'Save changes' : state.when === 'now' ? 'Create and start job' : 'Create job'}
            </Button>
          )}
        </Group>
      </Paper>
    </>
  );
}
