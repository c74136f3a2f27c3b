using System.Collections.Concurrent;

namespace SmtpFixture.Checks;

/// <summary>
/// The (sender, recipient) pairs a server answered with a permanent failure at RCPT TO, and the reply each got, so that
/// a client that tries the same pair again is noticed (RFC 5321 §4.2.1: a 5yz request "SHOULD NOT" be repeated as it
/// was). Server-wide, since retries come in new sessions; cleared by <see cref="SmtpTestServer.Reset"/>.
/// </summary>
internal sealed class PermanentFailures
{
    // Bounded: a test server that refuses millions of distinct pairs forgets the oldest rather than growing.
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<(string Sender, string Recipient), SmtpReply> _replies = new(PairComparer.Instance);

    public bool TryGet(string sender, string recipient, out SmtpReply reply) => _replies.TryGetValue((sender, recipient), out reply!);

    /// <summary>Notes the reply a pair got, if it is a permanent refusal of the mailbox or transaction (550–554): a 5xx for a bad sequence or missing authentication is not about the pair.</summary>
    public void Note(string sender, string recipient, SmtpReply? reply)
    {
        if (reply is { Code: >= 550 and <= 554 } && _replies.Count < Capacity)
        {
            _replies[(sender, recipient)] = reply;
        }
    }

    public void Clear() => _replies.Clear();

    /// <summary>Addresses compared without case: a retry to <c>Bob@</c> after a refusal for <c>bob@</c> is the same request in practice.</summary>
    private sealed class PairComparer : IEqualityComparer<(string Sender, string Recipient)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((string Sender, string Recipient) x, (string Sender, string Recipient) y) =>
            string.Equals(x.Sender, y.Sender, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Recipient, y.Recipient, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Sender, string Recipient) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Sender), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Recipient));
    }
}
