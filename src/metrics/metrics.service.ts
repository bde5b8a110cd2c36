// metrics/: Prometheus metrics. One registry per application instance (not prom-client's
// global one), so that several apps in one process (the test suite) keep separate counts.
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { QueueService } from '../queue/queue.service';

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Incremented by the discovery module as scans finish. */
  readonly scans: Counter<'outcome'>;
  /** Incremented by the jobs module as run targets finish. */
  readonly jobTargets: Counter<'kind' | 'outcome'>;

  constructor(queues: QueueService) {
    collectDefaultMetrics({ register: this.registry, prefix: 'teknisi_' });
    this.httpDuration = new Histogram({
      name: 'teknisi_http_request_duration_seconds',
      help: 'API request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.scans = new Counter({ name: 'teknisi_scans_total', help: 'Discovery scans finished', labelNames: ['outcome'], registers: [this.registry] });
    this.jobTargets = new Counter({ name: 'teknisi_job_targets_total', help: 'Job run targets finished', labelNames: ['kind', 'outcome'], registers: [this.registry] });
    new Gauge({
      name: 'teknisi_queue_jobs',
      help: 'Jobs in each queue by state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const d of await queues.depths()) this.set({ queue: d.queue, state: d.state }, d.count);
        } catch {
          // Redis down: report no depths rather than fail the scrape; /api/health says why
        }
      },
    });
  }
}
