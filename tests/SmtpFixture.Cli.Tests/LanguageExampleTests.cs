using System.Diagnostics;
using System.Text;

namespace SmtpFixture.Cli.Tests;

/// <summary>
/// Runs examples/python (python3 -m unittest) and examples/node (node --test) against the tool built with these
/// tests, so that `dotnet test` proves them. A missing python3, node or node_modules skips locally and fails under CI=true.
/// </summary>
public sealed class LanguageExampleTests
{
    private static readonly string Repo = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(CliProcess.DllPath)!, "../../../../.."));

    [SkippableFact]
    public async Task ThePythonExamplePasses()
    {
        RequireProgram("python3");

        var (code, output) = await RunAsync("python3", Repo, "-m", "unittest", "discover", "-s", "examples/python", "-v");

        Assert.True(code == 0, $"python3 -m unittest exited with {code}:{Environment.NewLine}{output}");
        Assert.Contains("Ran 3 tests", output, StringComparison.Ordinal);
        Assert.Contains("OK", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TheNodeExamplePassesIncludingTheMailpitApiClient()
    {
        RequireProgram("node");
        var example = Path.Combine(Repo, "examples", "node");
        Require(Directory.Exists(Path.Combine(example, "node_modules", "nodemailer")), "examples/node/node_modules is missing: run npm ci there (.ci/run does).");

        var (code, output) = await RunAsync("node", example, "--test");

        Assert.True(code == 0, $"node --test exited with {code}:{Environment.NewLine}{output}");
        Assert.Contains("# pass 4", output, StringComparison.Ordinal);
        Assert.Contains("# fail 0", output, StringComparison.Ordinal);
    }

    private static void RequireProgram(string name) =>
        Require((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(dir => File.Exists(Path.Combine(dir, name))), $"{name} is not installed.");

    private static void Require(bool present, string why)
    {
        if (!present)
        {
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), why + " .ci/run installs it.");
            Skip.If(true, why);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The examples start the tool this test project built, not `dotnet run` (which would build it again).
        start.Environment["SMTP_FIXTURE_CMD"] = "dotnet " + CliProcess.DllPath;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
