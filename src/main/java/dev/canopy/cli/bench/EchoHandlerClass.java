package dev.canopy.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A handler that answers with its event, for the runtime client's own AOT cache. Lambda's {@code java25}
 * runtime maps its runtime client from an AOT cache of its own; the cold-start bench writes such a cache by
 * running the client with this handler, so that the cache holds the client and the JDK classes it needs, and
 * nothing of Canopy's. The class is generated here ({@link #bytes()}) rather than compiled, so that it never
 * ships in the Lambda package.
 */
final class EchoHandlerClass {
    static final String CLASS = "echo.EchoHandler";
    static final String HANDLER = CLASS + "::handleRequest";

    private EchoHandlerClass() {
    }

    /**
     * The class file of {@code echo.EchoHandler implements RequestStreamHandler}, whose
     * {@code handleRequest(in, out, context)} is {@code in.transferTo(out)}.
     */
    static byte[] bytes() {
        ClassDesc in = ClassDesc.of("java.io.InputStream");
        ClassDesc out = ClassDesc.of("java.io.OutputStream");
        ClassDesc context = ClassDesc.of("com.amazonaws.services.lambda.runtime.Context");
        return ClassFile.of().build(ClassDesc.of(CLASS), c -> c
                .withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER)
                .withSuperclass(ConstantDescs.CD_Object)
                .withInterfaceSymbols(ClassDesc.of("com.amazonaws.services.lambda.runtime.RequestStreamHandler"))
                .withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, code -> code
                        .aload(0)
                        .invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void)
                        .return_())
                .withMethodBody("handleRequest", MethodTypeDesc.of(ConstantDescs.CD_void, in, out, context),
                        ClassFile.ACC_PUBLIC, code -> code
                                .aload(1)
                                .aload(2)
                                .invokevirtual(in, "transferTo", MethodTypeDesc.of(ConstantDescs.CD_long, out))
                                .pop2()
                                .return_()));
    }

    /**
     * A task root holding only the echo handler, for the runtime client's own AOT cache: the client's class
     * loader loads it from there, as it loads any function.
     */
    static Path taskRoot(Path work) {
        Path root = work.resolve("echo-task");
        Path to = root.resolve(CLASS.replace('.', '/') + ".class");
        try {
            Files.createDirectories(to.getParent());
            Files.write(to, bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }
}
