// saved-filters/: request and response shapes of saved filters.
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { MaxChars, Omittable } from '../common/dto-fields';
import { PageQuery } from '../common/pagination';
import { ONE_LINE } from '../devices/device.dto';
import { SAVED_FILTER_PAGES, SavedFilterPageName } from './saved-filter.entity';

const oneLine = { message: '$property must be one line without control or text-direction characters' };

/** Each field's checks, shared by create and edit. */
const NameField = () => applyDecorators(Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)), IsString(), MinLength(1), MaxChars(100), Matches(ONE_LINE, oneLine));
const PageField = () => IsIn(SAVED_FILTER_PAGES);
const QueryField = () => applyDecorators(Transform(({ value }) => (typeof value === 'string' ? value.replace(/^\?/, '') : value)), IsString(), MaxChars(2000), Matches(ONE_LINE, oneLine));

export class CreateSavedFilterDto {
  @ApiProperty({ example: 'Finance laptops', maxLength: 100 }) @NameField() name: string;
  @ApiProperty({ enum: SAVED_FILTER_PAGES, description: 'the list page the query belongs to' }) @PageField() page: SavedFilterPageName;
  @ApiProperty({ example: 'type=laptop&tag=finance&sort=-lastSeen', maxLength: 2000, description: "the page's URL query string (a leading ? is dropped)" }) @QueryField() query: string;
  @ApiPropertyOptional({ default: false, description: 'shown to every user, not only its owner' }) @IsOptional() @IsBoolean() shared?: boolean;
}

/** Any of the fields, none of them null (PartialType's @IsOptional let null through to NOT NULL columns). */
export class UpdateSavedFilterDto {
  @ApiPropertyOptional({ example: 'Finance laptops', maxLength: 100 }) @Omittable() @NameField() name?: string;
  @ApiPropertyOptional({ enum: SAVED_FILTER_PAGES }) @Omittable() @PageField() page?: SavedFilterPageName;
  @ApiPropertyOptional({ maxLength: 2000, description: "the page's URL query string (a leading ? is dropped)" }) @Omittable() @QueryField() query?: string;
  @ApiPropertyOptional() @Omittable() @IsBoolean() shared?: boolean;
}

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
