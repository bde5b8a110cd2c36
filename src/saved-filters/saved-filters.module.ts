// saved-filters/: named, optionally shared query strings of the UI's list pages.
import { Module } from '@nestjs/common';
import { SavedFiltersController } from './saved-filters.controller';
import { SavedFiltersRepository } from './saved-filters.repository';
import { SavedFiltersService } from './saved-filters.service';

@Module({
  controllers: [SavedFiltersController],
  providers: [SavedFiltersRepository, SavedFiltersService],
})
export class SavedFiltersModule {}
