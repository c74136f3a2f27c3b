using System.Xml.Linq;

namespace SmtpFixture.Packaging.Tests;

/// <summary>
/// A copy of examples/ outside the repository (so none of its Directory.*.props apply) whose project files reference
/// the packed packages instead of the projects in src/.
/// </summary>
internal static class ConsumerWorkspace
{
    public static string Create(PackedPackages packed)
    {
        var root = Path.Combine(packed.Work, "consumer-" + Guid.NewGuid().ToString("N")[..8]);
        var examples = Path.Combine(packed.RepositoryRoot, "examples");
        var versions = CentralVersions(packed.RepositoryRoot);
        foreach (var project in Directory.GetFiles(examples, "*.csproj", SearchOption.AllDirectories))
        {
            var source = Path.GetDirectoryName(project)!;
            var target = Path.Combine(root, Path.GetRelativePath(examples, source));
            CopySources(source, target);
            var document = XDocument.Load(project);
            Rewrite(document, packed, versions);
            document.Save(Path.Combine(target, Path.GetFileName(project)));
        }

        WriteNuGetConfig(root, packed.Feed);

        // What the repository's Directory.Build.props gives the examples, minus its strictness and central versions.
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), """
            <Project>
              <PropertyGroup>
                <LangVersion>latest</LangVersion>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """);
        return root;
    }

    /// <summary>A nuget.config that adds the local feed to the user's sources, as a user trying the packages would.</summary>
    public static void WriteNuGetConfig(string root, string feed)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="smtpfixture-packed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>The repository's central package versions (Directory.Packages.props), by package id.</summary>
    public static Dictionary<string, string> CentralVersions(string repositoryRoot) =>
        XDocument.Load(Path.Combine(repositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => e.Attribute("Include")!.Value, e => e.Attribute("Version")!.Value, StringComparer.OrdinalIgnoreCase);

    private static void Rewrite(XDocument document, PackedPackages packed, IReadOnlyDictionary<string, string> versions)
    {
        foreach (var reference in document.Descendants("ProjectReference").ToArray())
        {
            var include = reference.Attribute("Include")!.Value.Replace('\\', '/');
            if (include.Contains("/src/", StringComparison.Ordinal))
            {
                var id = Path.GetFileNameWithoutExtension(include);
                Assert.Contains(id, packed.PackageIds);
                reference.ReplaceWith(new XElement("PackageReference", new XAttribute("Include", id), new XAttribute("Version", packed.Version)));
            }
        }

        // An example that needs another version than the central one says so with VersionOverride (CPM only).
        foreach (var reference in document.Descendants("PackageReference").Where(r => r.Attribute("VersionOverride") is not null))
        {
            reference.SetAttributeValue("Version", reference.Attribute("VersionOverride")!.Value);
            reference.SetAttributeValue("VersionOverride", null);
        }

        foreach (var reference in document.Descendants("PackageReference").Where(r => r.Attribute("Version") is null))
        {
            var id = reference.Attribute("Include")!.Value;
            Assert.True(versions.TryGetValue(id, out var version), $"No central version for {id}.");
            reference.SetAttributeValue("Version", version);
        }
    }

    private static void CopySources(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj" || file.EndsWith(".csproj", StringComparison.Ordinal))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
