// Writes the serialized org.elasticsearch.bootstrap.ServerArgs that the Elasticsearch server
// process reads from its standard input at start-up. In the official distribution the
// `bin/elasticsearch` CLI does this; that CLI is not published to Maven Central, so
// start-local.sh uses this stand-in. Usage: java -cp 'lib/*:.' EsServerArgs ES_HOME PIDFILE
import org.elasticsearch.bootstrap.ServerArgs;
import org.elasticsearch.common.io.stream.OutputStreamStreamOutput;
import org.elasticsearch.common.settings.KeyStoreWrapper;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;

import java.nio.file.Path;
import java.util.Map;

public class EsServerArgs {
    public static void main(String[] argv) throws Exception {
        Path home = Path.of(argv[0]).toAbsolutePath().normalize();
        Path pidFile = Path.of(argv[1]).toAbsolutePath().normalize();
        Path configDir = home.resolve("config");
        // Reads config/elasticsearch.yml the same way the official CLI does.
        Environment env = InternalSettingsPreparer.prepareEnvironment(
            Settings.builder().put("path.home", home.toString()).build(),
            Map.of(),
            configDir,
            () -> "partycloud-es"
        );
        // An empty, in-memory keystore (only the bootstrap seed): security is disabled.
        KeyStoreWrapper keystore = KeyStoreWrapper.create();
        ServerArgs args = new ServerArgs(true, false, pidFile, keystore, env.settings(), configDir, env.logsDir());
        OutputStreamStreamOutput out = new OutputStreamStreamOutput(System.out);
        args.writeTo(out);
        out.flush();
        System.out.flush();
    }
}
