using System.Collections;

namespace SmtpFixture;

/// <summary>
/// The ESMTP parameters of a MAIL FROM or RCPT TO command (RFC 5321 §4.1.2 <c>esmtp-param</c>),
/// keyed case-insensitively; a keyword without a value maps to <see langword="null"/>.
/// </summary>
public sealed class SmtpParameters : IReadOnlyDictionary<string, string?>
{
    /// <summary>No parameters.</summary>
    public static SmtpParameters Empty { get; } = new([]);

    private readonly KeyValuePair<string, string?>[] _items;

    internal SmtpParameters(KeyValuePair<string, string?>[] items) => _items = items;

    /// <inheritdoc />
    public string? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No ESMTP parameter '{key}'.");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _items.Select(i => i.Key);

    /// <inheritdoc />
    public IEnumerable<string?> Values => _items.Select(i => i.Value);

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <inheritdoc />
    public bool TryGetValue(string key, out string? value)
    {
        foreach (var item in _items)
        {
            if (string.Equals(item.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                value = item.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string?>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The parameters as they appeared on the command line, e.g. <c>SIZE=1024 BODY=8BITMIME</c>.</summary>
    public override string ToString() => string.Join(' ', _items.Select(i => i.Value is null ? i.Key : i.Key + "=" + i.Value));
}
