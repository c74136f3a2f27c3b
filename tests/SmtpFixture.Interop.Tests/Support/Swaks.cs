namespace SmtpFixture.Interop.Tests.Support;

/// <summary>Runs swaks (the Swiss Army Knife for SMTP) against a server.</summary>
internal static class Swaks
{
    private static readonly Lazy<Task<string>> Support = new(async () =>
    {
        var swaks = ExternalTool.Require("swaks", "swaks");
        var startInfo = new System.Diagnostics.ProcessStartInfo(swaks, "--support")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await stdout + await stderr;
    });

    /// <summary>Skips (or fails in CI) when swaks lacks an optional feature, such as TLS or an AUTH mechanism's Perl module.</summary>
    /// <param name="feature">The text swaks --support prints for it, e.g. <c>TLS</c> or <c>AUTH CRAM-MD5</c>.</param>
    /// <param name="packages">The Debian packages that provide it.</param>
    public static async Task RequireFeatureAsync(string feature, string packages)
    {
        ExternalTool.Require("swaks", "swaks");
        var support = await Support.Value;
        if (!support.Contains($"=== {feature} supported", StringComparison.Ordinal))
        {
            ExternalTool.Unavailable($"swaks has no {feature} support (install {packages}; .ci/run installs them). swaks --support said:{Environment.NewLine}{support}");
        }
    }

    /// <summary>Runs swaks against <paramref name="server"/> with <paramref name="arguments"/> added to the connection options.</summary>
    public static Task<ProcessResult> RunAsync(ITestOutputHelper output, SmtpTestServer server, params string[] arguments)
    {
        var swaks = ExternalTool.Require("swaks", "swaks");
        string[] connection = ["--server", server.Host, "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--helo", "client.example", "--timeout", "20"];
        return ExternalProcess.RunAsync(output, swaks, [.. connection, .. arguments]);
    }
}
