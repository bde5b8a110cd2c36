// saved-filters/: a named query string of one list page (devices, software, jobs, configs,
// audit), owned by one user and shown to everyone when shared.
import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { User } from '../auth/user.entity';
import { IdColumn, RefColumn, TimeColumn } from '../database/columns';

export const SAVED_FILTER_PAGES = ['devices', 'software', 'jobs', 'configs', 'audit'] as const;
export type SavedFilterPageName = (typeof SAVED_FILTER_PAGES)[number];

@Entity('saved_filters')
/** one name per page for each owner, so that a page's menu never lists two alike */
@Index(['userId', 'page', 'name'], { unique: true })
@Index(['shared', 'page'])
export class SavedFilter {
  @IdColumn() id: number;
  @RefColumn() userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 16 }) page: SavedFilterPageName;
  /** the page's URL query string, without the leading `?` */
  @Column({ type: 'varchar', length: 2000 }) query: string;
  @Column({ type: 'boolean', default: false }) shared: boolean;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
