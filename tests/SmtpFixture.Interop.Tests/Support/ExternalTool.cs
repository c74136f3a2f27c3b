namespace SmtpFixture.Interop.Tests.Support;

/// <summary>
/// Finds the external programs the interop tests drive. A program that is absent skips the test on a developer's
/// machine, with the reason and the package to install; with <c>CI=true</c> it fails the test instead, so that CI can
/// never pass by silently skipping what it is there to check.
/// </summary>
internal static class ExternalTool
{
    // Postfix's programs live in /usr/sbin, which is not always on a non-root user's PATH.
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"];

    /// <summary>Whether the tests run in CI (<c>CI=true</c>, as .ci/run sets it).</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of <paramref name="name"/> on PATH (or in the sbin folders), or <see langword="null"/>.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirectories))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Returns the full path of <paramref name="name"/>; skips the test (or fails it in CI) when it is not installed.</summary>
    /// <param name="name">The program, e.g. <c>swaks</c>.</param>
    /// <param name="package">The Debian package that provides it, named in the skip reason.</param>
    public static string Require(string name, string package)
    {
        var found = Find(name);
        if (found is not null)
        {
            return found;
        }

        Unavailable($"'{name}' is not installed (Debian package '{package}'; .ci/run installs it)");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Skips the test with <paramref name="reason"/> on a developer's machine; fails it with the same reason in CI.</summary>
    public static void Unavailable(string reason)
    {
        Skip.If(!IsCi, reason);
        throw new InvalidOperationException($"{reason}. CI=true, so a missing prerequisite is a failure, not a skip.");
    }
}
