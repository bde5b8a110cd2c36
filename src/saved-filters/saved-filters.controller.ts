// saved-filters/: HTTP for saved filters. Every role may own filters (viewers too), so each
// write names its least role; the service decides whose filter may be changed.
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags,
} from '@nestjs/swagger';
import { Audit } from '../audit/audit.interceptor';
import { AuthUser, MinRole } from '../auth/roles';
import { CurrentUser } from '../common/current-user.decorator';
import { IdParam } from '../common/id-param';
import { CreateSavedFilterDto, SavedFilterListQuery, SavedFilterPage, SavedFilterView, UpdateSavedFilterDto } from './saved-filter.dto';
import { SavedFiltersService } from './saved-filters.service';

const NOT_FOUND = { description: "no such filter, or someone else's private one" };

@ApiTags('saved-filters')
@ApiBearerAuth()
@Controller('saved-filters')
export class SavedFiltersController {
  constructor(private readonly filters: SavedFiltersService) {}

  @Get()
  @MinRole('viewer')
  @ApiOkResponse({ type: SavedFilterPage })
  list(@Query() q: SavedFilterListQuery, @CurrentUser() me: AuthUser): Promise<SavedFilterPage> {
    return this.filters.list(q, me);
  }

  @Get(':id')
  @MinRole('viewer')
  @ApiOkResponse({ type: SavedFilterView })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@IdParam('id') id: number, @CurrentUser() me: AuthUser): Promise<SavedFilterView> {
    return this.filters.get(id, me);
  }

  @Post()
  @MinRole('viewer')
  @Audit('saved-filter.create', 'saved-filter')
  @ApiCreatedResponse({ type: SavedFilterView })
  @ApiConflictResponse({ description: 'the caller already has a filter of that name on that page' })
  create(@Body() dto: CreateSavedFilterDto, @CurrentUser() me: AuthUser): Promise<SavedFilterView> {
    return this.filters.create(dto, me);
  }

  @Patch(':id')
  @MinRole('viewer')
  @Audit('saved-filter.update', 'saved-filter')
  @ApiOkResponse({ type: SavedFilterView })
  @ApiForbiddenResponse({ description: "someone else's shared filter (only its owner or an admin may change it)" })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ description: 'its owner already has a filter of that name on that page' })
  update(@IdParam('id') id: number, @Body() dto: UpdateSavedFilterDto, @CurrentUser() me: AuthUser): Promise<SavedFilterView> {
    return this.filters.update(id, dto, me);
  }

  @Delete(':id')
  @MinRole('viewer')
  @HttpCode(204)
  @Audit('saved-filter.delete', 'saved-filter')
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: "someone else's shared filter (only its owner or an admin may delete it)" })
  @ApiNotFoundResponse(NOT_FOUND)
  delete(@IdParam('id') id: number, @CurrentUser() me: AuthUser): Promise<void> {
    return this.filters.delete(id, me);
  }
}
