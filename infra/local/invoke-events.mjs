// Invokes Canopy's functions with the AWS SDK for JavaScript v3, a client Canopy's authors did not write,
// against a local Lambda Invoke API (`canopy serve`). See README.md here.
//
//   node invoke-events.mjs --endpoint http://127.0.0.1:3001 SuperviseFunction=../events/supervise.json \
//        canopy-train:live=../events/train.json …
//
// Each FUNCTION=EVENT_FILE is invoked in turn (RequestResponse, LogType Tail, no SDK retries). Prints one JSON
// array on stdout, one entry per call: {function, event, statusCode, executedVersion, functionError,
// payload, logTail} or, when the API refused the call, {function, event, error, httpStatus, message}.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';

const { values: args, positionals } = parseArgs({ options: { endpoint: { type: 'string' } }, allowPositionals: true });
if (!args.endpoint || positionals.length === 0) {
  process.stderr.write('usage: invoke-events.mjs --endpoint <url> FUNCTION=EVENT_FILE...\n');
  process.exit(2);
}
const lambda = new LambdaClient({
  endpoint: args.endpoint,
  region: process.env.AWS_REGION ?? 'us-east-1',
  credentials: { accessKeyId: 'canopy-local', secretAccessKey: 'canopy-local' },
  maxAttempts: 1,
});
const results = [];
for (const call of positionals) {
  const eq = call.lastIndexOf('=');
  const [fn, event] = [call.slice(0, eq), call.slice(eq + 1)];
  try {
    const out = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: readFileSync(event), LogType: 'Tail' }));
    const text = Buffer.from(out.Payload ?? []).toString('utf8');
    results.push({
      function: fn,
      event,
      statusCode: out.StatusCode,
      executedVersion: out.ExecutedVersion,
      functionError: out.FunctionError,
      payload: text ? JSON.parse(text) : null,
      logTail: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : null,
    });
  } catch (e) {
    results.push({ function: fn, event, error: e.name, httpStatus: e.$metadata?.httpStatusCode, message: e.message });
  }
}
lambda.destroy();
process.stdout.write(`${JSON.stringify(results)}\n`);
