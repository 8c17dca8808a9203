using System.Diagnostics;
using System.Text;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A server process run in the foreground with its standard output and error captured; killed (with its children)
/// on dispose.
/// </summary>
public sealed class RunningProcess : IDisposable
{
    /// <summary>How much output is kept: a chatty server (moto logs every request) must not grow without bound.</summary>
    private const int OutputLimit = 256 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningProcess(Process process) => _process = process;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the process has written to its standard output and error so far (the last 128 to 256 KiB of it).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="file"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, its input closed.</summary>
    /// <param name="file">The executable.</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="workingDirectory">The working directory.</param>
    /// <returns>The running process.</returns>
    public static RunningProcess Start(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = ServerProcess.StartInfo(file, arguments, workingDirectory);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var running = new RunningProcess(process);
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => running.Append(e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>The last lines of <see cref="Output"/>, for an error message.</summary>
    /// <param name="lines">How many.</param>
    /// <returns>The text.</returns>
    public string OutputTail(int lines = 40) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    /// <summary>
    /// Asks <paramref name="ready"/> every <paramref name="interval"/> until it answers true (the server is ready), the
    /// process exits, or <paramref name="timeout"/> of real time passes.
    /// </summary>
    /// <param name="ready">The readiness probe; it catches the errors of a server not yet listening itself.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="interval">How long between probes.</param>
    /// <returns>Whether the server became ready.</returns>
    public async Task<bool> WaitReadyAsync(Func<Task<bool>> ready, TimeSpan timeout, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(ready);
        using var limit = new CancellationTokenSource(timeout);
        while (!limit.IsCancellationRequested)
        {
            if (_process.HasExited)
            {
                return false;
            }

            if (await ready().ConfigureAwait(false))
            {
                return true;
            }

            await Task.Delay(interval, CancellationToken.None).ConfigureAwait(false);
        }

        return false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > OutputLimit)
            {
                _output.Remove(0, _output.Length - (OutputLimit / 2));
            }
        }
    }
}
