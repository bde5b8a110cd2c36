// metrics/: Prometheus metrics. One registry per application instance (not prom-client's
// global one), so that several apps in one process (the test suite) keep separate counts.
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { QueueService } from '../queue/queue.service';
import { MetricsRepository } from './metrics.repository';

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(queues: QueueService, counts: MetricsRepository) {
    collectDefaultMetrics({ register: this.registry, prefix: 'teknisi_' });
    this.httpDuration = new Histogram({
      name: 'teknisi_http_request_duration_seconds',
      help: 'API request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    // scans and job targets are read from MySQL at each scrape: a worker that runs them serves
    // no HTTP, so counters of its own could never be scraped (teknisi_scans_total and
    // teknisi_job_targets_total were declared here and never counted)
    const fromDatabase = (name: string, help: string, table: 'scans' | 'job_run_targets', states: string[]) =>
      new Gauge({
        name, help, labelNames: ['status'], registers: [this.registry],
        async collect() {
          this.reset();
          try {
            for (const [status, n] of await counts.countByStatus(table, states)) this.set({ status }, n);
          } catch {
            // the database down: no figures rather than a failed scrape; /api/health says why
          }
        },
      });
    fromDatabase('teknisi_scans', 'Discovery scans not finished, by status', 'scans', ['queued', 'running']);
    fromDatabase('teknisi_job_targets', 'Job run targets not finished, by status', 'job_run_targets', ['queued', 'running', 'waiting-for-window']);
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
