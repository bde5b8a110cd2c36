// queue/: BullMQ wiring. Queues (producers) everywhere; consumers only where the role says so.
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/env';
import { bullConnection } from '../common/redis.module';
import { JobRegistry } from './job-registry';
import { QueueName } from './queue.constants';
import { QueueService } from './queue.service';
import { QueueWorkerService } from './queue-worker.service';

@Global()
@Module({})
export class QueueModule {
  static register(config: AppConfig, consume: boolean): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({ connection: bullConnection(config.redisUrl), prefix: config.queuePrefix }),
        ...Object.values(QueueName).map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [JobRegistry, QueueService, ...(consume ? [QueueWorkerService] : [])],
      exports: [JobRegistry, QueueService],
    };
  }
}
