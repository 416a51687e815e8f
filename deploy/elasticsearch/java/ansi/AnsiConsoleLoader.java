// Stand-in for the distribution's lib/tools/ansi-console (not published to Maven Central).
// The server asks it for the attached terminal; the local node always runs detached, so: none.
package org.elasticsearch.io.ansi;

import java.util.function.Supplier;

public class AnsiConsoleLoader implements Supplier<Object> {
    @Override
    public Object get() {
        return null;
    }
}
