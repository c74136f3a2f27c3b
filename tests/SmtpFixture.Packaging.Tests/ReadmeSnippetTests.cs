using System.Xml.Linq;

namespace SmtpFixture.Packaging.Tests;

/// <summary>
/// Every ```csharp block of README.md compiles as shown, with the `using` lines it shows, in a fresh project that
/// references the packed packages, as a user who copies it would have them. `Signup`, the README's stand-in for the
/// user's code under test, comes from ReadmeContext/.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class ReadmeSnippetTests(PackedPackages packed)
{
    // What a user's test project has beside our packages: xUnit v3 (the README's fixture snippets; the v2 package has the
    // same namespace and members), NUnit, MailKit and the fake clock. Versions are the repository's central ones.
    private static readonly string[] ThirdPartyPackages =
        ["xunit.v3.extensibility.core", "NUnit", "MailKit", "Microsoft.Extensions.TimeProvider.Testing"];

    private static readonly string[] OurPackages = ["SmtpFixture", "SmtpFixture.Xunit.V3", "SmtpFixture.FluentAssertions"];

    [Fact]
    public async Task EveryCSharpBlockOfTheReadmeCompilesAgainstThePackedPackages()
    {
        var readme = Path.Combine(packed.RepositoryRoot, "README.md");
        var blocks = ReadmeSnippets.Extract(File.ReadAllLines(readme));
        Assert.True(blocks.Count >= 8, $"Expected the README's C# blocks, found {blocks.Count}.");
        var project = Path.Combine(packed.Work, "readme-" + Guid.NewGuid().ToString("N")[..8]);
        ConsumerWorkspace.WriteNuGetConfig(project, packed.Feed);
        var versions = ConsumerWorkspace.CentralVersions(packed.RepositoryRoot);
        var references = OurPackages.Select(id => Reference(id, packed.Version))
            .Concat(ThirdPartyPackages.Select(id => Reference(id, versions[id])))
            .Append(Reference("xunit.v3.assert", versions["xunit.v3"])); // Assert, without xunit.v3's test runner
        new XDocument(new XElement(
            "Project",
            new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement("PropertyGroup", new XElement("TargetFramework", "net10.0"), new XElement("ImplicitUsings", "enable"), new XElement("Nullable", "enable")),
            new XElement("ItemGroup", references))).Save(Path.Combine(project, "Readme.csproj"));
        for (var i = 0; i < blocks.Count; i++)
        {
            var name = $"Snippet{i + 1:00}";
            File.WriteAllText(Path.Combine(project, name + ".cs"), ReadmeSnippets.ToSource(blocks[i], name, readme));
        }

        foreach (var context in Directory.GetFiles(Path.Combine(packed.RepositoryRoot, "tests", "SmtpFixture.Packaging.Tests", "ReadmeContext"), "*.cs"))
        {
            File.Copy(context, Path.Combine(project, Path.GetFileName(context)));
        }

        // Errors point at README.md's lines (#line), so the failure says which snippet to fix.
        await PackedPackages.RunDotnetAsync(project, "build", "--disable-build-servers", "-clp:ErrorsOnly");
    }

    private static XElement Reference(string id, string version) =>
        new("PackageReference", new XAttribute("Include", id), new XAttribute("Version", version));
}

/// <summary>How README blocks become C# files; no packages needed.</summary>
public sealed class ReadmeSnippetExtractionTests
{
    [Fact]
    public void StatementBlocksAreWrappedInAMethodWithTheirUsingsOnTop()
    {
        string[] readme = ["text", "```csharp", "using SmtpFixture;", "", "var x = 1;", "```"];

        var block = Assert.Single(ReadmeSnippets.Extract(readme));
        var source = ReadmeSnippets.ToSource(block, "Snippet01", "/r/README.md");

        Assert.Equal(3, block.FirstLine);
        Assert.True(source.IndexOf("using SmtpFixture;", StringComparison.Ordinal) < source.IndexOf("namespace Snippet01", StringComparison.Ordinal));
        Assert.Contains("public static async System.Threading.Tasks.Task RunAsync()", source, StringComparison.Ordinal);
        Assert.Contains("#line 5 \"/r/README.md\"\nvar x = 1;", source.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void DeclarationBlocksAreKeptAsTypesInTheirOwnNamespace()
    {
        string[] readme = ["```csharp", "using Xunit;", "public sealed class T { }", "```"];

        var source = ReadmeSnippets.ToSource(Assert.Single(ReadmeSnippets.Extract(readme)), "Snippet02", "README.md");

        Assert.Contains("namespace Snippet02", source, StringComparison.Ordinal);
        Assert.DoesNotContain("RunAsync", source, StringComparison.Ordinal);
    }

    [Fact]
    public void ABlockMarkedAsNotCompiledAndOtherLanguagesAreLeftOut()
    {
        string[] readme = [ReadmeSnippets.SkipMarker, "```csharp", "partial", "```", "```sh", "dotnet test", "```", "```csharp", "var y = 2;", "```"];

        var block = Assert.Single(ReadmeSnippets.Extract(readme));

        Assert.Equal(["var y = 2;"], block.Lines);
    }

    [Fact]
    public void AnUnclosedBlockIsReportedWithItsLine()
    {
        string[] readme = ["a", "```csharp", "var z = 3;"];

        var error = Assert.Throws<InvalidOperationException>(() => ReadmeSnippets.Extract(readme));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }
}
