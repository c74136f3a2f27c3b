using System.Diagnostics;

namespace SmtpFixture.Benchmarks.Load;

public static class Shell
{
    /// <summary>Runs a program to completion and returns its standard output; throws if it fails.</summary>
    public static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result.Trim()}");
        }

        return stdout.Result;
    }

    public static string? TryRun(string file, params string[] args)
    {
        try
        {
            return Run(file, args);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The command that starts this program again: the apphost, or dotnet with the dll.</summary>
    public static (string File, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath!;
        var dll = typeof(Shell).Assembly.Location;
        return Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (path, [dll])
            : (path, []);
    }
}
