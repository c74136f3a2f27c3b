namespace SmtpFixture.Cli.Http;

/// <summary>
/// The API's view of what the server captured: the engine's messages minus those deleted over the API, with Mailpit's
/// read flags, and a signal that long polls await. It is fed by <see cref="SmtpTestServer.MessageReceived"/>, so the
/// SMTP side does no work for it when the API is off; the engine stays the one store of messages.
/// </summary>
internal sealed class Mailbox
{
    private readonly SmtpTestServer _server;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    public Mailbox(SmtpTestServer server) => _server = server;

    /// <summary>The messages not deleted, newest first (Mailpit's order).</summary>
    public IReadOnlyList<ReceivedMessage> Messages
    {
        get
        {
            var all = _server.Messages;
            lock (_gate)
            {
                var visible = new List<ReceivedMessage>(all.Count);
                for (var i = all.Count - 1; i >= 0; i--)
                {
                    if (!_deleted.Contains(all[i].Id))
                    {
                        visible.Add(all[i]);
                    }
                }

                return visible;
            }
        }
    }

    /// <summary>A task that completes at the next change (arrival, deletion, reset); take it before looking.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>The message with <paramref name="id"/>, or the newest one for <c>latest</c>; null when there is none.</summary>
    public ReceivedMessage? Find(string id)
    {
        var messages = Messages;
        return id == "latest" ? messages.FirstOrDefault() : messages.FirstOrDefault(m => m.Id == id);
    }

    public bool IsRead(ReceivedMessage message)
    {
        lock (_gate)
        {
            return _read.Contains(message.Id);
        }
    }

    public void MarkRead(ReceivedMessage message)
    {
        lock (_gate)
        {
            _read.Add(message.Id);
        }
    }

    /// <summary>Deletes the messages with these IDs; IDs of no message are ignored, as Mailpit does.</summary>
    public void Delete(IEnumerable<string> ids)
    {
        var present = Messages.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var id in ids.Where(present.Contains))
            {
                _deleted.Add(id);
                _read.Remove(id);
            }

            // Forget tombstones of messages the engine itself evicted (MaxStoredMessages), so they cannot pile up.
            _deleted.IntersectWith(_server.Messages.Select(m => m.Id));
            Signal();
        }
    }

    /// <summary>Forgets every message, attempt, script step and policy state, as <see cref="SmtpTestServer.Reset"/> does.</summary>
    public void Reset()
    {
        _server.Reset();
        lock (_gate)
        {
            _deleted.Clear();
            _read.Clear();
            Signal();
        }
    }

    /// <summary>Called for each accepted message (on the SMTP session's thread, so only a signal).</summary>
    public void OnMessage()
    {
        lock (_gate)
        {
            Signal();
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> visible messages match <paramref name="query"/>, counting those
    /// already there; returns them newest first, or <see langword="null"/> when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMessage>?> WaitAsync(MessageQuery query, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var changed = Changed;
            var matches = Search(query);
            if (matches.Count >= count)
            {
                return matches;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    public List<ReceivedMessage> Search(MessageQuery query) =>
        [.. Messages.Where(m => query.Matches(MessageFacts.Of(m), IsRead(m)))];

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
