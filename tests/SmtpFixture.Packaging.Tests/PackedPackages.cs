using System.Reflection;
using System.Xml.Linq;

namespace SmtpFixture.Packaging.Tests;

/// <summary>
/// Packs every package in src/ once, with a version unique to this run (so that NuGet's global cache can never hand
/// a consumer an older build), into a local feed in a temporary folder.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    private readonly Lazy<string> _consumer;

    public PackedPackages() => _consumer = new(() => ConsumerWorkspace.Create(this));

    public string RepositoryRoot { get; } = typeof(PackedPackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public string Work { get; } = Path.Combine(Path.GetTempPath(), "smtpfixture-pack-" + Guid.NewGuid().ToString("N")[..12]);

    public string Feed => Path.Combine(Work, "feed");

    public string Version { get; } = $"0.0.0-packtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(1000, 9999)}";

    /// <summary>The examples copied out of the repository to build against the feed; created once, on first use.</summary>
    public string Consumer => _consumer.Value;

    /// <summary>The package ids expected: one per project in src/ that is packable.</summary>
    public IReadOnlyList<string> PackageIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var projects = Directory.GetFiles(Path.Combine(RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(IsPackable)
            .Order(StringComparer.Ordinal)
            .ToArray();
        PackageIds = projects.Select(PackageIdOf).ToArray();

        // One solution of just the packages, packed in one build.
        await RunDotnetAsync(Work, "new", "sln", "--name", "packages", "--format", "sln");
        await RunDotnetAsync(Work, ["sln", "packages.sln", "add", .. projects]);
        await RunDotnetAsync(Work, "pack", "packages.sln", "--disable-build-servers", "-p:PackageVersion=" + Version, "-p:PackageOutputPath=" + Feed);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder.
        }

        // The unique version was restored into the global packages folder; do not let runs pile up there.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var folder = Path.Combine(globalPackages, id.ToLowerInvariant(), Version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    public static async Task<string> RunDotnetAsync(string workingDirectory, params string[] args)
    {
        var (exitCode, output) = await Shell.RunAsync(workingDirectory, "dotnet", args);
        Assert.True(exitCode == 0, $"'dotnet {string.Join(' ', args)}' exited with {exitCode}:{Environment.NewLine}{output}");
        return output;
    }

    private static bool IsPackable(string project) =>
        !XDocument.Load(project).Descendants("IsPackable").Any(e => e.Value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase));

    private static string PackageIdOf(string project) =>
        XDocument.Load(project).Descendants("PackageId").FirstOrDefault()?.Value.Trim() ?? Path.GetFileNameWithoutExtension(project);
}
