import type { Command } from 'commander';
import { registerDataFetch } from './data-fetch';
import { registerDataInfo } from './data-info';
import { registerDataShow } from './data-show';

/** `s4 data info|fetch|show`: where MNIST comes from, getting it, looking at it. */
export function register(program: Command): void {
  const data = program
    .command('data')
    .description('MNIST: where it comes from (info), get it (fetch), look at a digit (show)');
  registerDataInfo(data);
  registerDataFetch(data);
  registerDataShow(data);
}
