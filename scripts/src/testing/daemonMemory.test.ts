import { sampleOf } from './daemonMemory';

const text = [
  '# HELP process_resident_memory_bytes Resident memory size in bytes.',
  '# TYPE process_resident_memory_bytes gauge',
  'process_resident_memory_bytes 61440000',
  'nodejs_heap_size_used_bytes 1.5e7',
  'nodejs_heap_size_used_bytes_other 3',
  'nodejs_heap_space_size_used_bytes{space="old"} 9',
].join('\n');

test('sampleOf reads an unlabelled sample, exponent included, and nothing that only starts like it', () => {
  expect(sampleOf(text, 'process_resident_memory_bytes')).toBe(61_440_000);
  expect(sampleOf(text, 'nodejs_heap_size_used_bytes')).toBe(15_000_000);
  expect(() => sampleOf(text, 'nodejs_heap_space_size_used_bytes')).toThrow(
    '/metrics has no nodejs_heap_space_size_used_bytes',
  );
  expect(() => sampleOf(text, 'nodejs_heap_size_total_bytes')).toThrow('/metrics has no nodejs_heap_size_total_bytes');
});
