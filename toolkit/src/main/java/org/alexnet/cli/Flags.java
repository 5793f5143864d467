package org.alexnet.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --switch} arguments of one command, checked against the flags the
 * command knows; anything else is a {@link UsageException} with a one-line message.
 */
final class Flags {

    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Flags(String command) {
        this.command = command;
    }

    /**
     * @param withValue flags that take a value
     * @param switches flags that take none
     */
    static Flags parse(String command, String[] args, Set<String> withValue, Set<String> switches) {
        Flags f = new Flags(command);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "' for " + command + " (see: alexnet " + command + " --help)");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                f.values.put(name, "true");
            } else if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                f.values.put(name, value);
            } else {
                throw new UsageException("unknown flag --" + name + " for " + command + " (see: alexnet " + command + " --help)");
            }
        }
        return f;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    /** A whole number in [min, max]; outside it a one-line usage error that names the range. */
    int getInt(String name, int fallback, int min, int max) {
        int v = getInt(name, fallback);
        if (has(name) && (v < min || v > max)) {
            throw new UsageException("--" + name + " must be " + (max == Integer.MAX_VALUE ? "at least " + min
                    : "between " + min + " and " + max) + ", got " + v);
        }
        return v;
    }

    float getFloat(String name, float fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            float f = Float.parseFloat(v);
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    long getLong(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }
}
