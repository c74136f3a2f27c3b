using System.Collections;

namespace SmtpFixture.Policies;

/// <summary>
/// The ordered policies of a server. Safe to change while the server runs: each command is decided by the
/// policies present when it arrived (a snapshot), so in-flight sessions are never disturbed.
/// </summary>
public sealed class SmtpPolicyCollection : IReadOnlyList<SmtpPolicy>
{
    private SmtpPolicy[] _items = [];
    private readonly object _gate = new();

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _items).Length;

    /// <inheritdoc />
    public SmtpPolicy this[int index] => Volatile.Read(ref _items)[index];

    /// <summary>Adds a policy at the end (it is consulted after those already present).</summary>
    /// <returns>The policy, so that a test can keep it and remove it later.</returns>
    public T Add<T>(T policy)
        where T : SmtpPolicy
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_gate)
        {
            _items = [.. _items, policy];
        }

        return policy;
    }

    /// <summary>Inserts a policy at <paramref name="index"/> (0 = consulted first).</summary>
    public void Insert(int index, SmtpPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_gate)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)index, (uint)_items.Length, nameof(index));
            var list = _items.ToList();
            list.Insert(index, policy);
            _items = [.. list];
        }
    }

    /// <summary>Removes a policy; returns whether it was present.</summary>
    public bool Remove(SmtpPolicy policy)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_items, policy);
            if (index < 0)
            {
                return false;
            }

            _items = [.. _items.Where((_, i) => i != index)];
            return true;
        }
    }

    /// <summary>Removes every policy.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _items = [];
        }
    }

    /// <inheritdoc />
    public IEnumerator<SmtpPolicy> GetEnumerator() => ((IEnumerable<SmtpPolicy>)Volatile.Read(ref _items)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal SmtpPolicy[] Snapshot => Volatile.Read(ref _items);
}
