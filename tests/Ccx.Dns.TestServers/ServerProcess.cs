using System.Diagnostics;

namespace Ccx.Dns.TestServers;

/// <summary>Runs short commands (start scripts, dig) and kills server processes by PID.</summary>
public static class ServerProcess
{
    /// <summary>Runs a command to completion and captures its output.</summary>
    /// <param name="file">The executable.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <param name="environment">Extra environment variables, or null.</param>
    /// <returns>The exit code and output.</returns>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string file, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = StartInfo(file, args, workingDirectory: null, environment);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>How the test servers start a process: its output and input redirected, no shell.</summary>
    /// <param name="file">The executable.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="workingDirectory">The working directory, or null for the current one.</param>
    /// <param name="environment">Extra environment variables, or null.</param>
    /// <returns>The start info.</returns>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return info;
    }

    /// <summary>Kills a process by PID and waits for it to exit; a process already gone is fine.</summary>
    /// <param name="pid">The PID.</param>
    public static void Kill(int pid)
    {
        if (pid == 0)
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(5000);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Deletes a work directory, ignoring failures.</summary>
    /// <param name="path">The directory.</param>
    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
