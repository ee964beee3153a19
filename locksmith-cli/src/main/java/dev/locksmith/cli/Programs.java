package dev.locksmith.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Finds the program to run the way a shell does, before any lock is taken. */
final class Programs {
    private Programs() {}

    /**
     * Checks that {@code program} can be executed: a path containing {@code /} as given, a bare
     * name through {@code path} (the {@code PATH} variable).
     *
     * @throws CliException with {@value Exit#NOT_FOUND} if there is no such program, {@value
     *     Exit#NOT_EXECUTABLE} if there is one but it cannot be executed
     */
    static void check(String program, String path) {
        if (program.isEmpty()) {
            throw new CliException(Exit.NOT_FOUND, "program not found: '' (an empty program name)");
        }
        try {
            if (program.indexOf('/') >= 0) {
                Path p = Path.of(program);
                if (!Files.exists(p)) {
                    throw new CliException(Exit.NOT_FOUND, "program not found: " + program);
                }
                if (Files.isDirectory(p) || !Files.isExecutable(p)) {
                    throw new CliException(Exit.NOT_EXECUTABLE, "program is not executable: " + program);
                }
                return;
            }
            boolean foundNotExecutable = false;
            for (String dir : (path == null ? "" : path).split(File.pathSeparator, -1)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isRegularFile(candidate)) {
                    if (Files.isExecutable(candidate)) {
                        return;
                    }
                    foundNotExecutable = true;
                }
            }
            if (foundNotExecutable) {
                throw new CliException(Exit.NOT_EXECUTABLE, "program is not executable: " + program);
            }
            throw new CliException(Exit.NOT_FOUND, "program not found in PATH: " + program);
        } catch (InvalidPathException e) {
            throw new CliException(Exit.NOT_FOUND, "program not found: " + program + " (" + e.getReason() + ")");
        }
    }
}
