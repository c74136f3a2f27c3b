namespace SmtpFixture.Interop.Tests.Support;

/// <summary>
/// Lists and unlists a throw-away configuration directory in <c>alternate_config_directories</c> of the default
/// <c>/etc/postfix/main.cf</c>: <c>postfix -c DIR</c> and <c>sendmail -C DIR</c> refuse (exit 1, silently) a directory
/// the default configuration does not list. Tests in other processes may do the same at once, so every change is made
/// under an exclusive lock, keeps every other entry and line, and replaces the file atomically (write, then rename).
/// </summary>
internal static class PostfixDefaultConfig
{
    private const string Parameter = "alternate_config_directories";
    private const string MainCf = "/etc/postfix/main.cf";
    private const string LockPath = "/etc/postfix/.smtpfixture-interop.lock";

    // PostfixRelay creates its directories as /tmp/smtpfixture-postfix-XXXXXX (Directory.CreateTempSubdirectory).
    private static readonly string StalePrefix = Path.Combine(Path.GetTempPath(), "smtpfixture-postfix-");

    public static void Register(string configDirectory) => Update(entries =>
    {
        // Forget directories of runs that were killed before their cleanup, so entries do not pile up.
        entries.RemoveAll(e => e.StartsWith(StalePrefix, StringComparison.Ordinal) && !Directory.Exists(e));
        if (!entries.Contains(configDirectory, StringComparer.Ordinal))
        {
            entries.Add(configDirectory);
        }
    });

    public static void Unregister(string configDirectory) => Update(entries => entries.RemoveAll(e => e == configDirectory));

    private static void Update(Action<List<string>> change)
    {
        using var gate = AcquireLock();
        var lines = File.Exists(MainCf) ? File.ReadAllLines(MainCf).ToList() : [];
        var entries = new List<string>();
        var kept = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!IsParameterLine(lines[i]))
            {
                kept.Add(lines[i]);
                continue;
            }

            // A main.cf parameter continues on following lines that start with white space (postconf(5)).
            var value = lines[i][(lines[i].IndexOf('=', StringComparison.Ordinal) + 1)..];
            while (i + 1 < lines.Count && lines[i + 1].Length > 0 && char.IsWhiteSpace(lines[i + 1][0]))
            {
                value += " " + lines[++i];
            }

            entries.AddRange(value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries));
        }

        change(entries);
        if (entries.Count > 0)
        {
            kept.Add($"{Parameter} = {string.Join(' ', entries.Distinct(StringComparer.Ordinal))}");
        }

        if (kept.All(string.IsNullOrWhiteSpace))
        {
            // Postfix was installed with "No configuration" and the tests created the file: leave it absent again.
            File.Delete(MainCf);
            return;
        }

        var temporary = $"{MainCf}.smtpfixture-{Guid.NewGuid():N}";
        File.WriteAllLines(temporary, kept);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temporary, MainCf, overwrite: true);
    }

    private static bool IsParameterLine(string line) =>
        line.StartsWith(Parameter, StringComparison.Ordinal) && line[Parameter.Length..].TrimStart().StartsWith('=');

    private static FileStream AcquireLock()
    {
        // FileShare.None takes an exclusive flock(2) on Linux, which other test processes honour.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }
}
