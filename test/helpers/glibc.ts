/** Whether this process runs on glibc (Linux): the tests of glibc's allocator settings run only there. */
export function onGlibc(): boolean {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return process.platform === 'linux' && Boolean(report.header?.glibcVersionRuntime);
}
