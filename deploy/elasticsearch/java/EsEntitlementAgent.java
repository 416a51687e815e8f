// Minimal Java agent that Elasticsearch's entitlement bootstrap attaches to its own JVM
// (lib/entitlement-agent/). It only hands the Instrumentation instance to the
// EntitlementInitialization class in the server's entitlement library. The official agent jar is
// not published to Maven Central, so start-local.sh builds this one.
import java.lang.instrument.Instrumentation;

public class EsEntitlementAgent {
    public static void agentmain(String agentArgs, Instrumentation inst) throws Exception {
        String target = agentArgs == null || agentArgs.isEmpty()
            ? "org.elasticsearch.entitlement.initialization.EntitlementInitialization"
            : agentArgs;
        Class.forName(target).getMethod("initialize", Instrumentation.class).invoke(null, inst);
    }
}
