namespace SmtpFixture.Dkim;

/// <summary>
/// DMARC identifier alignment (RFC 7489 §3.1.1). The organisational domain (§3.2) needs the Public Suffix List; a test
/// server ships none, so it is the last two labels, or three under the two-label public suffixes listed here.
/// </summary>
internal static class OrganizationalDomain
{
    // The two-label public suffixes most often met in mail; others count as if their second label were the organisation.
    private static readonly HashSet<string> TwoLabelSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "edu.au", "co.nz", "co.jp", "ne.jp", "or.jp",
        "co.za", "com.br", "com.cn", "com.mx", "co.in", "co.kr", "com.tr", "com.sg", "com.hk", "co.il",
    };

    public static bool Aligned(string signingDomain, string fromDomain, bool strict)
    {
        var d = signingDomain.TrimEnd('.');
        var from = fromDomain.TrimEnd('.');
        return strict
            ? string.Equals(d, from, StringComparison.OrdinalIgnoreCase)
            : string.Equals(Of(d), Of(from), StringComparison.OrdinalIgnoreCase);
    }

    public static string Of(string domain)
    {
        var labels = domain.Split('.');
        if (labels.Length <= 2)
        {
            return domain;
        }

        var take = TwoLabelSuffixes.Contains(labels[^2] + "." + labels[^1]) ? 3 : 2;
        return string.Join('.', labels[^take..]);
    }
}
