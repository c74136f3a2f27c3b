using System.Collections;

namespace SmtpFixture.Dkim;

/// <summary>
/// The DKIM public keys a server knows, standing in for DNS: <see cref="ReceivedMessage.VerifyDkim"/> looks the
/// signature's <c>s=</c> and <c>d=</c> up here. Thread-safe; keys may be added while the server runs.
/// </summary>
public sealed class SmtpDkimKeyCollection : IReadOnlyCollection<SmtpDkimKey>
{
    private readonly object _gate = new();
    private readonly List<SmtpDkimKey> _keys = [];

    /// <summary>The number of keys.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    /// <summary>Registers a key, replacing any earlier key with the same domain and selector.</summary>
    /// <param name="key">The key, from <see cref="SmtpDkimKey.Create"/> or <see cref="SmtpDkimKey.FromPublicKeyRecord"/>.</param>
    public void Add(SmtpDkimKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            _keys.RemoveAll(k => Matches(k, key.Domain, key.Selector));
            _keys.Add(key);
        }
    }

    /// <summary>Registers a public key record, as DNS would publish it at <c>selector._domainkey.domain</c>.</summary>
    /// <param name="domain">The signing domain (<c>d=</c>).</param>
    /// <param name="selector">The selector (<c>s=</c>).</param>
    /// <param name="publicKeyRecord">The record, e.g. <c>v=DKIM1; k=rsa; p=MIIBIjANBg…</c>.</param>
    /// <returns>The registered key.</returns>
    public SmtpDkimKey Add(string domain, string selector, string publicKeyRecord)
    {
        var key = SmtpDkimKey.FromPublicKeyRecord(domain, selector, publicKeyRecord);
        Add(key);
        return key;
    }

    /// <summary>Removes every key.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _keys.Clear();
        }
    }

    /// <inheritdoc />
    public IEnumerator<SmtpDkimKey> GetEnumerator() => Snapshot().AsEnumerable().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The key for a domain and selector, both compared without case as DNS names are.</summary>
    internal SmtpDkimKey? Find(string domain, string selector)
    {
        lock (_gate)
        {
            return _keys.Find(k => Matches(k, domain, selector));
        }
    }

    internal SmtpDkimKey[] Snapshot()
    {
        lock (_gate)
        {
            return _keys.ToArray();
        }
    }

    private static bool Matches(SmtpDkimKey key, string domain, string selector) =>
        string.Equals(key.Domain, domain, StringComparison.OrdinalIgnoreCase) && string.Equals(key.Selector, selector, StringComparison.OrdinalIgnoreCase);
}
