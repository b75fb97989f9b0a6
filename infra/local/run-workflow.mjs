// Runs one of Canopy's Step Functions definitions locally with aws-local-stepfunctions, an ASL interpreter
// Canopy's authors did not write, against the Lambda Invoke API of `canopy serve`. See README.md here.
//
//   node run-workflow.mjs --definition ../statemachine/train-then-predict.asl.json \
//        --endpoint http://127.0.0.1:3001 --input '{"training": …, "prediction": …}' \
//        [--items listing.json] [--s3-endpoint http://127.0.0.1:9000] [--name execution-name]
//
// Prints one JSON object on stdout: {status: SUCCEEDED|FAILED, output | error+cause, invocations,
// retries, maxStateBytes, maxTaskResultBytes}; exits 0 when the execution ran (whatever its status),
// 2 on a usage or harness error. `node run-workflow.mjs --serve` runs one execution per line of stdin instead
// (the arguments as a JSON array), answering each with a line {"result": <that object>} or {"error": "…"}.
//
// What the harness adds, because the interpreter lacks it (keep this list in README.md):
// 1. `arn:aws:states:::lambda:invoke`: the interpreter only calls function ARNs directly. Each such Task
//    invokes `FunctionName` with `Payload` at --endpoint (AWS SDK for JavaScript v3, dummy credentials,
//    no SDK retries: the workflow's Retry is the one layer that retries) and returns Step Functions'
//    wrapper {ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode}. A function error
//    is named by its errorType with the error payload as Cause; an API error is named
//    `Lambda.<Exception>` (Lambda.TooManyRequestsException, …); a failure to reach the endpoint is
//    `Lambda.SdkClientException`.
// 2. `${XFunctionArn}` placeholders become the "live" alias ARN of the template's function X, as the
//    template's DefinitionSubstitutions (`!Ref X.Alias`) do; StateMachineTest keeps the two in step.
// 3. A DISTRIBUTED Map: the interpreter ignores ItemReader, ResultWriter and the distributed mode, and stops
//    an inline Map at its first failed item. The harness runs such a Map itself: its ItemProcessor over the
//    given listing (--items, an S3 ListObjectsV2-like array of {Key, Size, …}: the ItemReader is not
//    called), one child execution per item with ItemSelector applied, at most MaxConcurrency at once; it
//    applies ToleratedFailurePercentage (States.ExceedToleratedFailureThreshold) and writes what
//    ResultWriter would write (manifest.json, SUCCEEDED_0.json, FAILED_0.json) to --s3-endpoint. The Map's
//    ResultSelector, ResultPath, Catch and Next then apply as written.
// 4. The Context Object: $$.Execution.Name/Id and $$.State.RetryCount exist, but RetryCount stays 0 (the
//    interpreter does not count), so a retried call is labelled attempt 1.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';

const REGION = process.env.AWS_REGION ?? 'us-east-1';
const ACCOUNT = '123456789012';
const credentials = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'canopy-local',
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'canopy-local',
};

// A usage or harness error: the one-shot mode exits 2 with it, the serve mode answers it.
class HarnessError extends Error {}

function fail(message) {
  throw new HarnessError(message);
}

// One execution of a definition: what the command line asks for, the report as it prints it.
async function runOnce(argv) {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      definition: { type: 'string' },
      endpoint: { type: 'string' },
      input: { type: 'string', default: '{}' },
      'input-file': { type: 'string' },
      items: { type: 'string' },
      's3-endpoint': { type: 'string' },
      name: { type: 'string' },
    },
  });
  if (!args.definition || !args.endpoint) {
    fail('usage: run-workflow.mjs --definition <asl.json> --endpoint <serve url> [--input <json> | --input-file <file>] '
      + '[--items <listing.json>] [--s3-endpoint <url>] [--name <execution name>]');
  }
  const readJson = (text, what) => {
    try {
      return JSON.parse(text);
    } catch (e) {
      return fail(`${what} is not JSON: ${e.message}`);
    }
  };
  const input = readJson(args['input-file'] ? readFileSync(args['input-file'], 'utf8') : args.input, 'the input');
  const items = args.items ? readJson(readFileSync(args.items, 'utf8'), '--items') : null;

  // 2. DefinitionSubstitutions: ${SuperviseFunctionArn} -> arn:…:function:SuperviseFunction:live
  const definitionText = readFileSync(args.definition, 'utf8').replace(/\$\{([A-Za-z0-9]+)Arn\}/g,
    (_, fn) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}:live`);
  const definition = readJson(definitionText, args.definition);
  const leftover = definitionText.match(/\$\{[^}]*\}/);
  if (leftover) {
    fail(`no substitution for ${leftover[0]}`);
  }

  const name = args.name ?? `local-${randomUUID().slice(0, 8)}`;
  const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:local`;
  const context = {
    Execution: { Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:local:${name}`, Name: name },
    StateMachine: { Id: stateMachineArn, Name: 'local' },
    State: { RetryCount: 0 },
  };
  const bytes = (v) => Buffer.byteLength(JSON.stringify(v ?? null), 'utf8');
  const report = { invocations: [], retries: [], maxStateBytes: 0, maxTaskResultBytes: 0 };

  // 1. The lambda:invoke integration.
  const lambda = new LambdaClient({ endpoint: args.endpoint, region: REGION, credentials, maxAttempts: 1 });
  const named = (errorName, cause) => Object.assign(new Error(cause), { name: errorName });

  async function invokeLambda(stateName, params) {
    const call = { state: stateName, function: params.FunctionName };
    report.invocations.push(call);
    let out;
    try {
      out = await lambda.send(new InvokeCommand({
        FunctionName: params.FunctionName,
        Qualifier: params.Qualifier,
        Payload: Buffer.from(JSON.stringify(params.Payload ?? {})),
      }));
    } catch (e) {
      call.error = e.$metadata?.httpStatusCode ? `Lambda.${e.name}` : 'Lambda.SdkClientException';
      throw named(call.error, e.message);
    }
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : 'null';
    if (out.FunctionError) {
      const payload = readJsonOr(text);
      call.error = payload?.errorType ?? 'Lambda.Unknown';
      throw named(call.error, text);
    }
    call.ok = true;
    const result = {
      ExecutedVersion: out.ExecutedVersion ?? '$LATEST',
      Payload: readJsonOr(text),
      SdkHttpMetadata: { HttpStatusCode: out.StatusCode },
      SdkResponseMetadata: { RequestId: out.$metadata?.requestId },
      StatusCode: out.StatusCode,
    };
    report.maxTaskResultBytes = Math.max(report.maxTaskResultBytes, bytes(result));
    return result;
  }

  function readJsonOr(text) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  // 3. A Distributed Map becomes a Task whose local handler runs the Map's processor as Step Functions would.
  const DISTRIBUTED = '__canopy_distributed_map';
  const overrides = {};

  function prepare(states) {
    for (const [stateName, state] of Object.entries(states)) {
      if (state.Type === 'Task' && state.Resource === 'arn:aws:states:::lambda:invoke') {
        overrides[stateName] = (params) => invokeLambda(stateName, params);
      }
      if (state.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
        const map = state;
        const { ItemProcessor, ItemReader, ItemSelector, ResultWriter, MaxConcurrency, MaxConcurrencyPath,
          ToleratedFailurePercentage, ToleratedFailurePercentagePath, ItemBatcher, Label, ItemsPath, Parameters,
          ...rest } = map;
        const processor = structuredClone(ItemProcessor);
        delete processor.ProcessorConfig;
        prepare(processor.States);
        states[stateName] = { ...rest, Type: 'Task', Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${DISTRIBUTED}`,
          TimeoutSeconds: 86400 };
        overrides[stateName] = (mapInput) => distributedMap(stateName, map, processor, mapInput);
      } else {
        for (const nested of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) {
          if (nested) {
            prepare(nested.States);
          }
        }
      }
    }
  }

  // Evaluates a payload template (ItemSelector, ResultWriter's Parameters) with the interpreter itself.
  async function evaluate(template, value, ctx) {
    const pass = new StateMachine({ StartAt: 'Evaluate', States: { Evaluate: { Type: 'Pass', Parameters: template, End: true } } });
    return pass.run(value, { context: ctx }).result;
  }

  async function numberAt(value, path, mapInput) {
    if (path === undefined) {
      return value;
    }
    return (await evaluate({ 'v.$': path }, mapInput, context)).v;
  }

  async function distributedMap(stateName, map, processorDefinition, mapInput) {
    if (!items) {
      throw named('States.ItemReaderFailed', `${stateName} reads its items from S3; give the listing with --items`);
    }
    const processor = new StateMachine(processorDefinition, { validationOptions: { checkArn: false } });
    const limit = (await numberAt(map.MaxConcurrency, map.MaxConcurrencyPath, mapInput)) || items.length || 1;
    const tolerated = (await numberAt(map.ToleratedFailurePercentage, map.ToleratedFailurePercentagePath, mapInput)) ?? 0;
    const mapRunId = randomUUID();
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        const item = items[index];
        const itemContext = { ...context, Map: { Item: { Index: index, Value: item } } };
        const childInput = map.ItemSelector ? await evaluate(map.ItemSelector, mapInput, itemContext) : item;
        const row = { Name: `${mapRunId.slice(0, 8)}-${index}`, Input: JSON.stringify(childInput) };
        try {
          const child = processor.run(childInput, { overrides: { taskResourceLocalHandlers: overrides }, context });
          const logging = recordEvents(child.eventLogs);
          const output = await child.result.finally(() => logging);
          results[index] = { ...row, Status: 'SUCCEEDED', Output: JSON.stringify(output), output };
        } catch (e) {
          const cause = e.cause ?? e;
          results[index] = { ...row, Status: 'FAILED', Error: cause.name, Cause: cause.message };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, Math.max(items.length, 1)) }, worker));

    let output = results.map((r) => r.output ?? null);
    if (map.ResultWriter) {
      output = await writeResults(map.ResultWriter, mapInput, mapRunId, results);
    }
    const failed = results.filter((r) => r.Status === 'FAILED').length;
    if (failed * 100 > tolerated * results.length) {
      throw named('States.ExceedToleratedFailureThreshold',
        `${failed} of ${results.length} items failed, more than the tolerated ${tolerated}%`);
    }
    report.maxStateBytes = Math.max(report.maxStateBytes, bytes(output));
    return output;
  }

  // What ResultWriter writes: <Prefix>/<map run id>/manifest.json naming one file per status.
  async function writeResults(resultWriter, mapInput, mapRunId, results) {
    if (!args['s3-endpoint']) {
      throw named('States.ResultWriterFailed', 'the Map has a ResultWriter; give the S3 endpoint with --s3-endpoint');
    }
    const { Bucket, Prefix = '' } = await evaluate(resultWriter.Parameters, mapInput, context);
    const s3 = new S3Client({ endpoint: args['s3-endpoint'], region: REGION, credentials, forcePathStyle: true, maxAttempts: 1 });
    const folder = `${Prefix.replace(/\/+$/, '')}${Prefix ? '/' : ''}${mapRunId}`;
    const mapRunArn = `arn:aws:states:${REGION}:${ACCOUNT}:mapRun:local/${mapRunId}`;
    const files = { SUCCEEDED: [], FAILED: [], PENDING: [] };
    try {
      for (const status of ['SUCCEEDED', 'FAILED']) {
        const rows = results.filter((r) => r.Status === status).map(({ output, ...r }) => ({ ...r, MapRunArn: mapRunArn }));
        if (rows.length > 0) {
          const key = `${folder}/${status}_0.json`;
          const body = JSON.stringify(rows);
          await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: 'application/json' }));
          files[status].push({ Key: key, Size: Buffer.byteLength(body) });
        }
      }
      const manifest = { DestinationBucket: Bucket, MapRunArn: mapRunArn, ResultFiles: files };
      await s3.send(new PutObjectCommand({ Bucket, Key: `${folder}/manifest.json`, Body: JSON.stringify(manifest),
        ContentType: 'application/json' }));
    } catch (e) {
      throw named('States.ResultWriterFailed', `${e.name}: ${e.message}`);
    } finally {
      s3.destroy();
    }
    return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket, Key: `${folder}/manifest.json` } };
  }

  // The state sizes and the retries of an execution (the Distributed Map's child executions included).
  async function recordEvents(eventLogs) {
    for await (const event of eventLogs) {
      if (event.type === 'StateExited') {
        report.maxStateBytes = Math.max(report.maxStateBytes, bytes(event.state.output));
      } else if (event.type === 'StateRetried') {
        report.retries.push({ state: event.state.name, attempt: event.retry.attempt });
      }
    }
  }

  prepare(definition.States);
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  const execution = machine.run(input, { overrides: { taskResourceLocalHandlers: overrides }, context });
  const logging = recordEvents(execution.eventLogs);
  let outcome;
  try {
    const output = await execution.result;
    outcome = { status: 'SUCCEEDED', output };
  } catch (e) {
    const error = e.cause ?? e; // ExecutionError wraps the state's error
    outcome = { status: 'FAILED', error: error.name, cause: error.message };
  }
  await logging;
  lambda.destroy();
  return { ...outcome, ...report };
}

// --serve: one execution per line of stdin (a JSON array of the arguments above), one JSON line on stdout for
// each ({"result": …} or {"error": …}), so that a caller running many pays for Node's start once.
if (process.argv[2] === '--serve') {
  const { createInterface } = await import('node:readline');
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) {
      continue;
    }
    let answer;
    try {
      answer = { result: await runOnce(JSON.parse(line)) };
    } catch (e) {
      answer = { error: `${e.name}: ${e.message}` };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
} else {
  try {
    process.stdout.write(`${JSON.stringify(await runOnce(process.argv.slice(2)))}\n`);
  } catch (e) {
    process.stderr.write(`run-workflow: ${e instanceof HarnessError ? e.message : e.stack}\n`);
    process.exit(2);
  }
}
