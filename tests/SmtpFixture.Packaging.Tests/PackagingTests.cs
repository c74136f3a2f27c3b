using System.IO.Compression;
using System.Xml.Linq;

namespace SmtpFixture.Packaging.Tests;

[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packed packages";
}

/// <summary>What every package in src/ carries, read from the packed .nupkg files.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class PackageContentsTests(PackedPackages packed)
{
    [Fact]
    public void EveryProjectInSrcIsPackedWithASymbolPackage()
    {
        Assert.NotEmpty(packed.PackageIds);
        foreach (var id in packed.PackageIds)
        {
            Assert.True(File.Exists(Nupkg(id)), $"{id}: no {Path.GetFileName(Nupkg(id))} in the feed.");
            Assert.True(File.Exists(Path.ChangeExtension(Nupkg(id), ".snupkg")), $"{id}: no symbol package (.snupkg).");
        }
    }

    [Fact]
    public void EveryPackageHasAReadmeALicenceExpressionAndRepositoryMetadata()
    {
        foreach (var id in packed.PackageIds)
        {
            using var package = ZipFile.OpenRead(Nupkg(id));
            var metadata = Nuspec(package);
            Assert.Equal("expression", metadata.Element(metadata.Name.Namespace + "license")?.Attribute("type")?.Value);
            Assert.Equal("MIT", metadata.Element(metadata.Name.Namespace + "license")?.Value);
            var readme = metadata.Element(metadata.Name.Namespace + "readme")?.Value;
            Assert.False(string.IsNullOrEmpty(readme), $"{id}: no <readme>.");
            Assert.NotNull(package.GetEntry(readme!));
            var repository = metadata.Element(metadata.Name.Namespace + "repository");
            Assert.Equal("git", repository?.Attribute("type")?.Value);
            Assert.StartsWith("https://", repository?.Attribute("url")?.Value, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(metadata.Name.Namespace + "description")?.Value), $"{id}: no description.");
        }
    }

    [Fact]
    public void EveryLibraryShipsItsXmlDocumentationBesideEachAssembly()
    {
        foreach (var id in packed.PackageIds)
        {
            using var package = ZipFile.OpenRead(Nupkg(id));
            var assemblies = package.Entries.Where(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToArray();
            foreach (var assembly in assemblies)
            {
                Assert.NotNull(package.GetEntry(Path.ChangeExtension(assembly.FullName, ".xml")));
            }
        }
    }

    [Fact]
    public void TheCliIsPackedAsADotnetToolNamedSmtpFixture()
    {
        using var package = ZipFile.OpenRead(Nupkg("SmtpFixture.Cli"));
        var settings = package.Entries.Single(e => e.Name == "DotnetToolSettings.xml");
        using var stream = settings.Open();
        var command = XDocument.Load(stream).Descendants("Command").Single();
        Assert.Equal("smtp-fixture", command.Attribute("Name")?.Value);
        Assert.Equal("smtp-fixture.dll", command.Attribute("EntryPoint")?.Value);
    }

    private string Nupkg(string id) => Path.Combine(packed.Feed, $"{id}.{packed.Version}.nupkg");

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }
}

/// <summary>
/// The examples, copied out of the repository and rebuilt against the packed packages (PackageReference, not
/// ProjectReference) through a nuget.config whose extra source is the local feed: the packages work as shipped.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class ConsumerTests(PackedPackages packed)
{
    [Fact]
    public async Task TheExampleTestsPassAgainstThePackedPackages()
    {
        var consumer = packed.Consumer;

        var output = await PackedPackages.RunDotnetAsync(consumer, "test", "NotificationService.Tests/NotificationService.Tests.csproj", "--disable-build-servers");

        Assert.Contains("Passed!", output, StringComparison.Ordinal);
        AssertRestoredFromPackages(consumer, "NotificationService.Tests");
    }

    [Fact]
    public async Task TheQuickstartRunsAgainstThePackedPackage()
    {
        var consumer = packed.Consumer;

        var output = await PackedPackages.RunDotnetAsync(consumer, "run", "--project", "Quickstart/Quickstart.csproj", "--disable-build-servers");

        Assert.Contains("Captured:", output, StringComparison.Ordinal);
        Assert.Contains("alice@example.com", output, StringComparison.Ordinal);
        AssertRestoredFromPackages(consumer, "Quickstart");
    }

    /// <summary>
    /// TUnit and xunit.v3 4.x run on Microsoft.Testing.Platform: each example's own global.json opts `dotnet test` into
    /// it, which is the setup the README gives a user (and why they are not in SmtpFixture.sln, which runs on VSTest).
    /// </summary>
    [Theory]
    [InlineData("WithTUnit")]
    [InlineData("WithXunitV3")]
    public async Task TheTestingPlatformExamplesPassWithDotnetTestInTheirFolder(string example)
    {
        var folder = Path.Combine(packed.Consumer, example);
        Assert.Contains("Microsoft.Testing.Platform", File.ReadAllText(Path.Combine(folder, "global.json")), StringComparison.Ordinal);

        await PackedPackages.RunDotnetAsync(folder, "build", "--disable-build-servers");
        var output = await PackedPackages.RunDotnetAsync(folder, "test", "--no-build");

        Assert.Matches(@"succeeded: [1-9]", output);
        Assert.Contains("failed: 0", output, StringComparison.Ordinal);
        AssertRestoredFromPackages(packed.Consumer, example);
    }

    [Fact]
    public async Task TheToolInstallsFromItsPackageAndRuns()
    {
        var tools = Path.Combine(packed.Work, "tools-" + Guid.NewGuid().ToString("N")[..8]);

        await PackedPackages.RunDotnetAsync(packed.Work, "tool", "install", "SmtpFixture.Cli", "--tool-path", tools, "--add-source", packed.Feed, "--version", packed.Version);
        var (exitCode, help) = await Shell.RunAsync(packed.Work, Path.Combine(tools, "smtp-fixture"), "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--port", help, StringComparison.Ordinal);
    }

    /// <summary>The restore resolved SmtpFixture as a package of this run's version, not as a project.</summary>
    private void AssertRestoredFromPackages(string consumer, string project)
    {
        var assets = File.ReadAllText(Path.Combine(consumer, project, "obj", "project.assets.json"));
        Assert.Contains($"\"SmtpFixture/{packed.Version}\"", assets, StringComparison.Ordinal);
    }
}
