/**
 * {@code serve}: a local Lambda, the Docker-free counterpart of {@code sam local start-lambda}.
 *
 * <p>{@link dev.canopy.serve.Serve} reads the SAM template ({@link dev.canopy.serve.SamTemplate}: memory,
 * timeout, environment and reserved concurrency of each function, intrinsics resolved with the parameters'
 * defaults or overrides) and answers Lambda's Invoke API ({@link dev.canopy.serve.InvokeApi}) as the service
 * does. Each invocation runs in an instance ({@link dev.canopy.serve.Instance}): a JVM running the deployed
 * package (target/function.zip, unpacked once) under AWS's runtime interface client, as the managed java25
 * runtime runs it, polling a Runtime API of its own ({@link dev.canopy.serve.RuntimeApi}, which the
 * cold-start bench uses too). Instances are reused when free and kept warm, at most
 * the reserved concurrency are busy ({@link dev.canopy.serve.Functions}), a timed-out one is killed, and so
 * is one whose memory goes over its {@code MemorySize} ({@link dev.canopy.serve.MemoryLimit}).
 *
 * <p>The functions get serve's address as {@code CANOPY_INVOKE_ENDPOINT} and keep the template's
 * {@code CANOPY_INVOKE_MODE=lambda}: supervise and batch-predict invoke train and predict through serve, with
 * the Lambda client the application builds for production, so the whole tree runs over HTTP as on AWS.
 *
 * <p>Differences from Lambda, on purpose: CPU is not limited in proportion to memory (the JVM is told its
 * memory with {@code -XX:MaxRAM} and its heap as the managed runtime sizes it); a new instance may take {@code --init-timeout} (60 s) to start instead of
 * Lambda's 10 s, as one machine starts several JVMs at once; there is one published version ({@code 1}) with
 * the template's alias; no account-level concurrency limit; requests are not authenticated.
 *
 * <p>Plain Java and the JDK's HTTP server: no Quarkus, no AWS SDK.
 */
package dev.canopy.serve;
