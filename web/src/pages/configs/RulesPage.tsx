// /configs/rules: compliance rules (what every configuration must or must not have) and
// normalization rules (volatile lines dropped and secrets masked before anything is stored).
// Everyone reads them; admins create, edit and delete. ?tab=normalization, ?new=1, ?edit=<id>.
import { Badge, Button, Group, Modal, Tabs, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { useUrlParams } from '../../lib/url-state';
import { ComplianceRule, NormalizationRule, PLATFORM_LABEL, RULE_KIND_LABEL, SEVERITY_COLOR, useComplianceRules } from './configs-api';
import { ComplianceRuleForm, NormalizationRuleForm } from './RuleForms';

const code = { whiteSpace: 'pre-wrap', wordBreak: 'break-all' } as const;

export default function RulesPage() {
  const [params, setParams] = useUrlParams();
  const tab = params.tab === 'normalization' ? 'normalization' : 'compliance';
  const isAdmin = useCan('admin');
  return (
    <>
      <PageHeader
        title="Rules"
        subtitle="Compliance rules check every configuration; normalization rules clean each backup before it is stored"
        actions={
          isAdmin && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setParams({ new: '1', edit: undefined })}>
              {tab === 'compliance' ? 'New compliance rule' : 'New normalization rule'}
            </Button>
          )
        }
      />
      <Tabs value={tab} onChange={(v) => setParams({ tab: v === 'normalization' ? 'normalization' : undefined, new: undefined, edit: undefined })}>
        <Tabs.List mb="md">
          <Tabs.Tab value="compliance">Compliance rules</Tabs.Tab>
          <Tabs.Tab value="normalization">Normalization rules</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="compliance">{tab === 'compliance' && <ComplianceRules params={params} setParams={setParams} isAdmin={isAdmin} />}</Tabs.Panel>
        <Tabs.Panel value="normalization">{tab === 'normalization' && <NormalizationRules params={params} setParams={setParams} isAdmin={isAdmin} />}</Tabs.Panel>
      </Tabs>
    </>
  );
}

interface TabProps {
  params: Record<string, string>;
  setParams: ReturnType<typeof useUrlParams>[1];
  isAdmin: boolean;
}

function ComplianceRules({ params, setParams, isAdmin }: TabProps) {
  const qc = useQueryClient();
  const rules = useComplianceRules();
  const editing = params.edit ? rules.data?.find((r) => r.id === Number(params.edit)) : undefined;
  const close = () => setParams({ new: undefined, edit: undefined });
  const saved = async (r: ComplianceRule) => {
    close();
    await qc.invalidateQueries({ queryKey: ['configs'] });
    notifications.show({ color: 'green', title: 'Rule saved', message: `"${r.name}" is saved; every configuration is re-evaluated against it.` });
  };
  const remove = async (r: ComplianceRule) => {
    await unwrap(api.DELETE('/api/configs/rules/{id}', { params: { path: { id: r.id } } }));
    await qc.invalidateQueries({ queryKey: ['configs'] });
    notifications.show({ color: 'green', title: 'Rule deleted', message: `"${r.name}" no longer applies.` });
  };
  return (
    <>
      <ErrorAlert error={rules.error} title="The rules could not be loaded" />
      <DataTable<ComplianceRule>
        label="Compliance rules"
        rows={rules.data}
        rowKey={(r) => r.id}
        loading={rules.isPending}
        empty="No compliance rules yet."
        columns={[
          { key: 'name', label: 'Name', render: (r) => <Text size="sm" fw={500}>{r.name}</Text> },
          { key: 'kind', label: 'Check', render: (r) => RULE_KIND_LABEL[r.kind] ?? r.kind },
          {
            key: 'pattern', label: 'Pattern',
            render: (r) => (
              <Text size="xs" ff="monospace" style={code}>
                {r.kind === 'block' ? `blocks ${r.blockStart}${r.blockWhere ? ` containing ${r.blockWhere}` : ''}\nhave ${r.pattern}` : r.pattern}
              </Text>
            ),
          },
          { key: 'scope', label: 'Applies to', render: (r) => [r.platform ? PLATFORM_LABEL[r.platform] ?? r.platform : null, r.tag ? `tag ${r.tag}` : null].filter(Boolean).join(', ') || 'every device' },
          { key: 'severity', label: 'Severity', render: (r) => <Badge color={SEVERITY_COLOR[r.severity]} variant="light" size="sm">{r.severity}</Badge> },
          { key: 'enabled', label: 'Enabled', render: (r) => (r.enabled ? 'yes' : <Text size="sm" c="dimmed">no</Text>) },
          ...(isAdmin
            ? [{
              key: 'actions', label: 'Actions',
              render: (r: ComplianceRule) => (
                <Group gap="xs" wrap="nowrap">
                  <Button size="compact-sm" variant="default" onClick={() => setParams({ edit: r.id, new: undefined })} aria-label={`Edit rule ${r.name}`}>
                    Edit
                  </Button>
                  <ConfirmButton size="compact-sm" aria-label={`Delete rule ${r.name}`} title={`Delete the rule "${r.name}"?`} message="Its results are removed from every device." confirmLabel="Delete the rule" onConfirm={() => remove(r)}>
                    Delete
                  </ConfirmButton>
                </Group>
              ),
            }]
            : []),
        ]}
      />
      <Modal opened={isAdmin && (params.new === '1' || !!editing)} onClose={close} title={editing ? `Edit rule "${editing.name}"` : 'New compliance rule'} size="lg">
        <ComplianceRuleForm key={editing?.id ?? 'new'} initial={editing} onSaved={saved} onCancel={close} />
      </Modal>
    </>
  );
}

function NormalizationRules({ params, setParams, isAdmin }: TabProps) {
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: ['configs', 'normalization-rules'], queryFn: () => unwrap(api.GET('/api/configs/normalization-rules')) });
  const editing = params.edit ? rules.data?.find((r) => r.id === Number(params.edit)) : undefined;
  const close = () => setParams({ new: undefined, edit: undefined });
  const saved = async (r: NormalizationRule) => {
    close();
    await qc.invalidateQueries({ queryKey: ['configs', 'normalization-rules'] });
    notifications.show({ color: 'green', title: 'Normalization rule saved', message: `Rule ${r.id} applies from the next backup on.` });
  };
  const remove = async (r: NormalizationRule) => {
    await unwrap(api.DELETE('/api/configs/normalization-rules/{id}', { params: { path: { id: r.id } } }));
    await qc.invalidateQueries({ queryKey: ['configs', 'normalization-rules'] });
    notifications.show({ color: 'green', title: 'Normalization rule deleted', message: `Rule ${r.id} no longer applies.` });
  };
  return (
    <>
      <ErrorAlert error={rules.error} title="The normalization rules could not be loaded" />
      <DataTable<NormalizationRule>
        label="Normalization rules"
        rows={rules.data}
        rowKey={(r) => r.id}
        loading={rules.isPending}
        empty="No normalization rules."
        columns={[
          { key: 'action', label: 'Action', render: (r) => <Badge variant="light" size="sm" color={r.action === 'mask' ? 'grape' : 'gray'}>{r.action}</Badge> },
          { key: 'platform', label: 'Platform', render: (r) => (r.platform ? PLATFORM_LABEL[r.platform] ?? r.platform : 'every platform') },
          { key: 'pattern', label: 'Pattern', render: (r) => <Text size="xs" ff="monospace" style={code}>{r.pattern}</Text> },
          {
            key: 'description', label: 'Description',
            render: (r) => (
              <Text size="sm">
                {r.description}
                {r.builtin && <Badge ml={6} size="xs" variant="outline">default</Badge>}
              </Text>
            ),
          },
          { key: 'enabled', label: 'Enabled', render: (r) => (r.enabled ? 'yes' : <Text size="sm" c="dimmed">no</Text>) },
          ...(isAdmin
            ? [{
              key: 'actions', label: 'Actions',
              render: (r: NormalizationRule) => (
                <Group gap="xs" wrap="nowrap">
                  <Button size="compact-sm" variant="default" onClick={() => setParams({ edit: r.id, new: undefined })} aria-label={`Edit normalization rule ${r.id}`}>
                    Edit
                  </Button>
                  <ConfirmButton
                    size="compact-sm"
                    aria-label={`Delete normalization rule ${r.id}`}
                    title={`Delete normalization rule ${r.id}?`}
                    message={r.action === 'mask' ? 'Backups after this keep what it masked in clear. Disabling it may be safer.' : 'Backups after this keep the lines it dropped.'}
                    confirmLabel="Delete the rule"
                    onConfirm={() => remove(r)}
                  >
                    Delete
                  </ConfirmButton>
                </Group>
              ),
            }]
            : []),
        ]}
      />
      <Modal opened={isAdmin && (params.new === '1' || !!editing)} onClose={close} title={editing ? `Edit normalization rule ${editing.id}` : 'New normalization rule'} size="lg">
        <NormalizationRuleForm key={editing?.id ?? 'new'} initial={editing} onSaved={saved} onCancel={close} />
      </Modal>
    </>
  );
}
