// /jobs/new — the new-job wizard: 1 what, 2 targets (with a live count), 3 when, 4 review →
// POST /api/jobs. The step (?step=) and the short fields live in the URL, so a link such as
// /jobs/new?deviceIds=1,2&kind=software.install (from a device's page) prefills it; a reload
// keeps them, and the long ones (script, parameters, files) from the tab's draft (?draft=,
// wizard-draft.ts). Errors from the server are shown in words, with the step that holds each field.
// With ?edit=ID (a job page's Edit) it changes that job instead, its fields filled from the job
// (then from the draft): PATCH /api/jobs/:id, its kind fixed, for its next runs.
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
import { kindLabel, wizardHasParams } from './job-labels';
import { ReviewStep } from './ReviewStep';
import { TargetsStep } from './TargetsStep';
import { browserTimezone } from './timezones';
import { WhatStep } from './WhatStep';
import { WhenStep } from './WhenStep';
import { dropDraft, LONG_FIELDS, newDraftId, pruneDrafts, readDraft, writeDraft } from './wizard-draft';
import { buildBody, fromParams, stateFromJob, stepOfField, stepProblems, toParams, WizardState } from './wizard-state';

const STEPS = ['What', 'Targets', 'When', 'Review'];

/** The fields a 400 names: the server's details are [{field, messages}] (or, elsewhere, {field: messages}). */
function errorFields(err: unknown): string[] {
  if (!(err instanceof ApiError) || !err.details) return [];
  if (Array.isArray(err.details)) return err.details.map((d) => (d as { field?: unknown }).field).filter((f): f is string => typeof f === 'string');
  return Object.keys(err.details);
}

export default function NewJobPage() {
  const [params] = useUrlParams();
  const canCreate = useCan('technician');
  const editId = Number.parseInt(params.edit ?? '', 10) || undefined;
  const editing = editId !== undefined;
  // the job being changed: its fields, until the draft has them, and its name for the header
  const saved = useQuery({ queryKey: ['jobs', editId, 'detail'], queryFn: () => unwrap(api.GET('/api/jobs/{id}', { params: { path: { id: editId! } } })), enabled: editing });
  // the URL's draft when this tab has it (a reload), else a new one: never another job's
  const [draft] = useState(() => {
    const kept = readDraft(params.draft, editId);
    const id = kept ? params.draft! : newDraftId();
    pruneDrafts(id);
    return { id, kept, lost: params.draft !== undefined && !kept };
  });
  const [fresh] = useState(() => ({ ...fromParams(params, browserTimezone()), ...draft.kept }));
  const initial = !editing ? fresh : (draft.kept as WizardState | undefined) ?? (saved.data && stateFromJob(saved.data));

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
  if (!initial) {
    return (
      <>
        <PageHeader title={`Edit job ${editId}`} subtitle="Loading…" />
        <ErrorAlert error={saved.error} title="The job could not be loaded" />
      </>
    );
  }
  return <Wizard initial={initial} draftId={draft.id} lost={draft.lost} editId={editId} jobName={saved.data?.name} />;
}

function Wizard({ initial, draftId, lost, editId, jobName }: { initial: WizardState; draftId: string; lost: boolean; editId?: number; jobName?: string | null }) {
  const [params, setParams] = useUrlParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [state, setState] = useState<WizardState>(initial);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const step = Math.min(4, Math.max(1, Number.parseInt(params.step ?? '1', 10) || 1));
  const editing = editId !== undefined;
  const jobTitle = jobName ? `"${jobName}"` : `job ${editId}`;
  const set = (patch: Partial<WizardState>) => setState((s) => ({ ...s, ...patch }));

  /** the URL for these fields: a new job's short ones and its draft's id (when it has long ones); an edit's draft alone */
  const urlOf = (s: WizardState): Record<string, string | undefined> => {
    const short = toParams(s);
    if (editing) return { ...Object.fromEntries(Object.keys(short).map((k) => [k, undefined])), draft: draftId };
    return { ...short, draft: LONG_FIELDS.some((k) => s[k] !== '') ? draftId : undefined };
  };
  // the draft follows the fields at once, so a reload finds what was typed last
  useEffect(() => {
    if (editing) writeDraft(draftId, editId, state);
    else if (LONG_FIELDS.some((k) => state[k] !== '')) writeDraft(draftId, undefined, Object.fromEntries(LONG_FIELDS.map((k) => [k, state[k]])));
    else dropDraft(draftId);
  }, [state, editing, editId, draftId]);
  // the URL follows the fields (replacing, so Back walks the steps rather than every keystroke;
  // the draft's id at once, as the draft is written)
  useEffect(() => {
    const want = urlOf(state);
    const differs = Object.entries(want).some(([k, v]) => (params[k] ?? undefined) !== v);
    if (!differs) return;
    const t = setTimeout(() => setParams(want, { replace: true }), (params.draft ?? undefined) !== want.draft ? 0 : 250);
    return () => clearTimeout(t);
  }, [state, params, setParams]); // eslint-disable-line react-hooks/exhaustive-deps

  const problems = stepProblems(step, state);
  const goTo = (n: number) => {
    setTried(false);
    setParams({ ...urlOf(state), step: n === 1 ? undefined : n });
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
        // the job's absolute deadline, which the wizard has no field for, and the params of a
        // kind it has no fields for, such as a remediation's configuration lines)
        const body = { ...b, name: b.name ?? null, schedule: b.schedule ?? null, windowIds: b.windowIds ?? [], deadlineMinutes: b.deadlineMinutes ?? null, credentialId: b.credentialId ?? null };
        if (!wizardHasParams(state.kind)) delete (body as Partial<typeof body>).params;
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
      {lost && (
        <Alert color="yellow" mb="md" icon={<IconAlertCircle size={18} />} title="Not in this tab">
          {editing
            ? 'The changes made to this job in another browser tab stay in that tab: these are its saved settings.'
            : 'The script, parameters and files typed for this address stay in the browser tab they were typed in: type them again here.'}
        </Alert>
      )}
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
