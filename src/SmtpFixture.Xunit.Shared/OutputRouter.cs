namespace SmtpFixture.Xunit;

/// <summary>
/// Holds the test output the server's log currently goes to. It is a plain holder and not an <see cref="AsyncLocal{T}"/>:
/// the server answers clients on its own accept loop, whose async flow began when the fixture started, so a value
/// set in a test's flow would never be seen there. Tests sharing a class or collection fixture run one at a time,
/// which is what makes "the current test" well defined.
/// </summary>
internal sealed class OutputRouter
{
    private readonly object _gate = new();
    private readonly List<ITestOutputHelper> _scopes = [];
    private ITestOutputHelper? _ambient;

    /// <summary>The innermost explicit scope, else the output last observed from a running test, else none.</summary>
    public ITestOutputHelper? Current
    {
        get
        {
            lock (_gate)
            {
                return _scopes.Count > 0 ? _scopes[^1] : _ambient;
            }
        }
    }

    /// <summary>Routes to <paramref name="output"/> until the returned scope is disposed.</summary>
    public IDisposable Push(ITestOutputHelper output)
    {
        lock (_gate)
        {
            _scopes.Add(output);
        }

        return new Scope(this, output);
    }

    /// <summary>Remembers the output of the test that is running now (xUnit v3 tells it; v2 cannot).</summary>
    public void Observe(ITestOutputHelper output)
    {
        lock (_gate)
        {
            _ambient = output;
        }
    }

    /// <summary>Forgets an output that refused a write because its test has ended.</summary>
    public void Forget(ITestOutputHelper output)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_ambient, output))
            {
                _ambient = null;
            }
        }
    }

    private void Pop(ITestOutputHelper output)
    {
        lock (_gate)
        {
            // Removes this scope's entry even when scopes are disposed out of order.
            var index = _scopes.LastIndexOf(output);
            if (index >= 0)
            {
                _scopes.RemoveAt(index);
            }
        }
    }

    private sealed class Scope(OutputRouter router, ITestOutputHelper output) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                router.Pop(output);
            }
        }
    }
}
