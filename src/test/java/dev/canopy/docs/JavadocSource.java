package dev.canopy.docs;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Javadoc of classes and methods, read from source files with javac's own parser (no compilation, no
 * class path needed), so that generated pages quote the comments the code carries.
 *
 * <p>Keys are binary class names ({@code dev.canopy.config.CanopyConfig$Batch}), a method's key is the class
 * key plus {@code #name} (overloads are not told apart; configuration interfaces have none), a package's key
 * is its name plus {@code .package-info}.
 */
final class JavadocSource {
    private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal)\\s+([^{}]*(?:\\{[^{}]*}[^{}]*)*)}");
    private static final Pattern LINK = Pattern.compile("\\{@(?:link|linkplain)\\s+([^\\s}]+)(?:\\s+([^}]*))?}");
    private static final Pattern VALUE = Pattern.compile("\\{@value\\s+([^}]*)}");

    private final Map<String, String> docs = new HashMap<>();

    private JavadocSource() {
    }

    /** Parses the files; the comments are kept raw (tags and HTML as written). */
    static JavadocSource parse(List<Path> files) {
        JavadocSource source = new JavadocSource();
        if (files.isEmpty()) {
            return source;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler: run the docs generator on a JDK, not a JRE");
        }
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(files);
            JavacTask task = (JavacTask) javac.getTask(null, fm, null, List.of("-proc:none"), null, units);
            DocTrees trees = DocTrees.instance(task);
            for (CompilationUnitTree unit : task.parse()) {
                String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
                if (unit.getSourceFile().getName().endsWith("package-info.java") && unit.getPackage() != null) {
                    var path = trees.getPath(unit, unit.getPackage());
                    String doc = trees.getDocComment(path);
                    if (doc != null) {
                        source.docs.put(pkg + ".package-info", doc);
                    }
                    continue;
                }
                new TreePathScanner<Void, String>() {
                    @Override
                    public Void visitClass(ClassTree tree, String outer) {
                        String name = outer == null ? (pkg.isEmpty() ? "" : pkg + ".") + tree.getSimpleName()
                                : outer + "$" + tree.getSimpleName();
                        String doc = trees.getDocComment(getCurrentPath());
                        if (doc != null) {
                            source.docs.put(name, doc);
                        }
                        return super.visitClass(tree, name);
                    }

                    @Override
                    public Void visitMethod(MethodTree tree, String owner) {
                        String doc = trees.getDocComment(getCurrentPath());
                        if (doc != null) {
                            source.docs.putIfAbsent(owner + "#" + tree.getName(), doc);
                        }
                        return null; // no classes declared inside methods matter here
                    }
                }.scan(unit, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return source;
    }

    /** The raw comment of a class, or null. */
    String ofClass(Class<?> type) {
        return docs.get(type.getName());
    }

    /** The raw comment of a method, or null. */
    String ofMethod(Class<?> owner, String method) {
        return docs.get(owner.getName() + "#" + method);
    }

    /** The raw comment of a package's package-info.java, or null. */
    String ofPackage(String pkg) {
        return docs.get(pkg + ".package-info");
    }

    /**
     * A comment as one line of Markdown: inline tags as code, links as the simple name of their target,
     * block tags ({@code @param}, {@code @see}…) dropped, HTML paragraphs and line breaks as spaces.
     */
    static String markdown(String raw) {
        if (raw == null) {
            return "";
        }
        String text = raw;
        int blockTag = indexOfBlockTag(text);
        if (blockTag >= 0) {
            text = text.substring(0, blockTag);
        }
        text = replace(CODE, text, m -> "`" + m.group(1).strip() + "`");
        text = replace(LINK, text, m -> {
            if (m.group(2) != null && !m.group(2).isBlank()) {
                return m.group(2).strip();
            }
            String target = m.group(1);
            int hash = target.indexOf('#');
            String type = hash >= 0 ? target.substring(0, hash) : target;
            String member = hash >= 0 ? target.substring(hash + 1) : "";
            String simple = type.contains(".") && Character.isUpperCase(type.charAt(type.lastIndexOf('.') + 1))
                    ? type.substring(type.lastIndexOf('.') + 1) : type;
            return "`" + (simple.isEmpty() ? member : member.isEmpty() ? simple : simple + "." + member) + "`";
        });
        text = replace(VALUE, text, m -> "`" + m.group(1).strip() + "`");
        text = text.replaceAll("(?i)</?(p|ul|ol|li|b|i|em|strong|br)\\s*/?>", " ")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&nbsp;", " ");
        return text.replaceAll("\\s+", " ").strip();
    }

    /** The first sentence of a comment, as javadoc takes it (up to a period followed by white space). */
    static String firstSentence(String markdown) {
        Matcher m = Pattern.compile("\\.(\\s|$)").matcher(markdown);
        return m.find() ? markdown.substring(0, m.start() + 1) : markdown;
    }

    private static int indexOfBlockTag(String text) {
        Matcher m = Pattern.compile("(?m)^\\s*@[a-zA-Z]+").matcher(text);
        return m.find() ? m.start() : -1;
    }

    private static String replace(Pattern pattern, String text, Function<Matcher, String> f) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(f.apply(m)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
