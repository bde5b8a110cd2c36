// saved-filters/: request and response shapes of saved filters.
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { ONE_LINE } from '../devices/device.dto';
import { SAVED_FILTER_PAGES, SavedFilterPageName } from './saved-filter.entity';

const oneLine = { message: '$property must be one line without control characters' };

export class CreateSavedFilterDto {
  @ApiProperty({ example: 'Finance laptops', maxLength: 100 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @MinLength(1) @MaxLength(100) @Matches(ONE_LINE, oneLine)
  name: string;

  @ApiProperty({ enum: SAVED_FILTER_PAGES, description: 'the list page the query belongs to' })
  @IsIn(SAVED_FILTER_PAGES)
  page: SavedFilterPageName;

  @ApiProperty({ example: 'type=laptop&tag=finance&sort=-lastSeen', maxLength: 2000, description: "the page's URL query string (a leading ? is dropped)" })
  @Transform(({ value }) => (typeof value === 'string' ? value.replace(/^\?/, '') : value))
  @IsString() @MaxLength(2000) @Matches(ONE_LINE, oneLine)
  query: string;

  @ApiPropertyOptional({ default: false, description: 'shown to every user, not only its owner' })
  @IsOptional() @IsBoolean()
  shared?: boolean;
}

export class UpdateSavedFilterDto extends PartialType(CreateSavedFilterDto) {}

export class SavedFilterListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SAVED_FILTER_PAGES, description: 'only the filters of this page' })
  @IsOptional() @IsIn(SAVED_FILTER_PAGES)
  for?: SavedFilterPageName;
}

export class SavedFilterView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SAVED_FILTER_PAGES }) page: SavedFilterPageName;
  @ApiProperty({ example: 'type=laptop&tag=finance' }) query: string;
  @ApiProperty() shared: boolean;
  @ApiProperty({ description: 'id of the user who owns it' }) ownerId: number;
  @ApiProperty({ description: 'username of its owner' }) owner: string;
  @ApiProperty({ description: 'the caller owns it (and so may change and delete it; admins may too)' }) mine: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class SavedFilterPage {
  @ApiProperty({ type: [SavedFilterView], description: "the caller's own filters and everyone's shared ones, by name" }) items: SavedFilterView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
