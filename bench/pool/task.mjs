// The benchmark's task, plain JavaScript so both pools load it the same way: parse a small
// metrics payload and sum its values (a few microseconds of real work, like one ingest request).
export default function sumPayload(body) {
  const { metrics } = JSON.parse(body);
  let sum = 0;
  for (const m of metrics) sum += m.value;
  return sum;
}
