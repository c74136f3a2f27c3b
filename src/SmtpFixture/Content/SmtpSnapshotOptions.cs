using System.Text.RegularExpressions;

namespace SmtpFixture.Content;

/// <summary>What <see cref="ReceivedMessage.ToSnapshot"/> leaves out, keeps verbatim or replaces with placeholders.</summary>
public sealed class SmtpSnapshotOptions
{
    private readonly List<(Regex Pattern, string Name)> _scrubs = [];

    /// <summary>Whether the snapshot starts with the envelope (<c>MAIL FROM</c> and <c>RCPT TO</c> addresses). Default <see langword="true"/>.</summary>
    public bool IncludeEnvelope { get; set; } = true;

    /// <summary>Header fields left out of the snapshot, by name without case, e.g. <c>X-Mailer</c> when it carries a version.</summary>
    public ISet<string> ExcludedHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Header fields printed as they are instead of with placeholders, e.g. <c>Date</c> when the test controls the clock.</summary>
    public ISet<string> VerbatimHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    internal IReadOnlyList<(Regex Pattern, string Name)> Scrubs => _scrubs;

    /// <summary>
    /// Replaces further volatile values, in headers and bodies, with numbered placeholders <c>{name-1}</c>, <c>{name-2}</c>…
    /// When <paramref name="pattern"/> has a capturing group only the first group is replaced, so
    /// <c>Scrub(@"token=(\w+)", "token")</c> turns <c>token=8f3a…</c> into <c>token={token-1}</c>.
    /// </summary>
    /// <param name="pattern">A .NET regular expression.</param>
    /// <param name="name">The placeholder name, e.g. <c>token</c>.</param>
    /// <returns>These options, for chaining.</returns>
    public SmtpSnapshotOptions Scrub(string pattern, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _scrubs.Add((new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), name));
        return this;
    }
}
