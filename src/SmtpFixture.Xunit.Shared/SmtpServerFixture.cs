using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SmtpFixture.Policies;

namespace SmtpFixture.Xunit;

/// <summary>
/// An xUnit fixture that runs one <see cref="SmtpTestServer"/> for a test class (<c>IClassFixture&lt;SmtpServerFixture&gt;</c>)
/// or a collection (<c>ICollectionFixture&lt;SmtpServerFixture&gt;</c>): xUnit starts it before the first test that needs it
/// and disposes it after the last.
/// </summary>
/// <remarks>
/// <para>
/// To configure the server, derive from this class and override <see cref="Configure"/>; the derived class still needs
/// only a parameterless constructor, as xUnit requires of fixtures.
/// </para>
/// <para>
/// Tests that share the fixture share the server, so each test should either assert only on its own mail (a unique
/// recipient per test and <see cref="WaitForMessageAsync"/> with a predicate) or call <see cref="Reset"/> in the test
/// class constructor, which xUnit runs before every test. <see cref="Reset"/> is safe for class and collection fixtures,
/// whose tests run one at a time; never call it on a fixture shared by tests that run in parallel.
/// </para>
/// <para>
/// The server's log, including the wire transcript at <see cref="LogLevel.Debug"/>, goes to the current test's
/// output (see <see cref="UseOutput"/> and <see cref="OutputLevel"/>), so a failing test shows the SMTP conversation.
/// </para>
/// <para>
/// A test uses the fixture as it would the server: it forwards what tests read and configure (<see cref="Messages"/>,
/// <see cref="Attempts"/>, <see cref="Script"/>, <see cref="Policies"/>, <see cref="Certificate"/>, the <c>WaitFor…</c> methods,
/// <see cref="Describe"/>, <see cref="Reset"/>), and SmtpFixture.FluentAssertions accepts it through
/// <see cref="ISmtpTestServerAccessor"/> (<c>smtp.Should().HaveReceived(1)</c>). Everything else is on <see cref="Server"/>.
/// </para>
/// <para>
/// How the fixture learns which test is running differs between xUnit v2 and v3: see <see cref="InitializeAsync"/>.
/// </para>
/// </remarks>
public partial class SmtpServerFixture : ISmtpTestServerAccessor
{
    private readonly OutputRouter _router = new();
    private SmtpTestServer? _server;

    /// <summary>The running server; available once xUnit has initialised the fixture.</summary>
    /// <exception cref="InvalidOperationException">The fixture has not been initialised, or has been disposed.</exception>
    public SmtpTestServer Server
    {
        get
        {
            ObserveCurrentTest();
            return _server ?? throw new InvalidOperationException(
                "The SMTP server is not running: xUnit starts it before the first test that uses the fixture; a fixture created by hand must be initialised with InitializeAsync() first.");
        }
    }

    /// <summary>The address the server listens on, for the code under test (e.g. <c>127.0.0.1</c>).</summary>
    public string Host => Server.Host;

    /// <summary>The port the operating system chose for the server.</summary>
    public int Port => Server.Port;

    /// <summary>The messages accepted so far, oldest first (a snapshot); see <see cref="SmtpTestServer.Messages"/>.</summary>
    public IReadOnlyList<ReceivedMessage> Messages => Server.Messages;

    /// <summary>Every attempt so far, oldest first, refused and aborted ones included (a snapshot); see <see cref="SmtpTestServer.Attempts"/>.</summary>
    public IReadOnlyList<SmtpAttempt> Attempts => Server.Attempts;

    /// <summary>This test's scripted replies and faults, consulted before every policy; <see cref="Reset"/> clears it.</summary>
    public SmtpScript Script => Server.Script;

    /// <summary>The server's policies; add or remove them at any time (those added in <see cref="Configure"/> are here too).</summary>
    public SmtpPolicyCollection Policies => Server.Policies;

    /// <summary>The certificate the server presents in TLS handshakes, or <see langword="null"/> without TLS.</summary>
    public X509Certificate2? Certificate => Server.Certificate;

    /// <summary>What was received and refused, as the failure messages show it; for a framework's own assertion message.</summary>
    /// <returns>The description; see <see cref="SmtpTestServer.Describe"/>.</returns>
    public string Describe() => Server.Describe();

    /// <summary>
    /// The lowest level of server log entries written to the test output. <see cref="LogLevel.Debug"/> (the default)
    /// includes the wire transcript; <see cref="LogLevel.Information"/> only accepted messages and server events;
    /// <see cref="LogLevel.None"/> writes nothing.
    /// </summary>
    public LogLevel OutputLevel { get; set; } = LogLevel.Debug;

    /// <summary>
    /// Sends the server's log to <paramref name="output"/> until the returned scope is disposed. Call it in the test
    /// class constructor with the <c>ITestOutputHelper</c> xUnit passes there, and dispose the scope in the class's
    /// <c>Dispose</c>.
    /// </summary>
    /// <param name="output">The current test's output.</param>
    /// <returns>A scope that, when disposed, stops routing the log to <paramref name="output"/>.</returns>
    public IDisposable UseOutput(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return _router.Push(output);
    }

    /// <summary>
    /// Forgets every message and attempt and resets the policies' state, so that the next test starts from an empty
    /// server. Call it in the test class constructor when tests share the fixture and assert on everything received;
    /// only when those tests run one at a time (class and collection fixtures).
    /// </summary>
    public void Reset() => Server.Reset();

    /// <summary>Waits until a message matching <paramref name="predicate"/> has arrived, returning at once if one already has.</summary>
    /// <param name="predicate">Which message to wait for, e.g. one addressed to this test's recipient; <see langword="null"/> for any.</param>
    /// <param name="timeout">How long to wait; the server's <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>.</param>
    /// <returns>The first matching message.</returns>
    /// <remarks>
    /// Under xUnit v3 the wait ends when the current test is cancelled (<c>TestContext.Current.CancellationToken</c>);
    /// to wait with a token of your own, call <see cref="SmtpTestServer.WaitForMessageAsync"/> on <see cref="Server"/>.
    /// </remarks>
    /// <param name="predicateText">How the predicate reads in failure messages; filled in by the compiler from the argument's source text.</param>
    /// <exception cref="SmtpWaitTimeoutException">No matching message arrived in time; the message shows the predicate and lists what did arrive and what was refused.</exception>
    /// <exception cref="OperationCanceledException">The test was cancelled (xUnit v3).</exception>
    public Task<ReceivedMessage> WaitForMessageAsync(
        Func<ReceivedMessage, bool>? predicate = null, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null) =>
        Server.WaitForMessageAsync(predicate, timeout, CurrentTestCancellationToken(), predicateText);

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived since the start or the last <see cref="Reset"/>.</summary>
    /// <param name="count">How many messages; at least 1.</param>
    /// <param name="timeout">How long to wait; the server's <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>.</param>
    /// <returns>The messages received so far, oldest first.</returns>
    /// <remarks>
    /// Under xUnit v3 the wait ends when the current test is cancelled; to wait with a token of your own, call
    /// <see cref="SmtpTestServer.WaitForMessagesAsync"/> on <see cref="Server"/>.
    /// </remarks>
    /// <exception cref="SmtpWaitTimeoutException">Fewer messages arrived in time; the message lists what did arrive and what was refused.</exception>
    /// <exception cref="OperationCanceledException">The test was cancelled (xUnit v3).</exception>
    public Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null) =>
        Server.WaitForMessagesAsync(count, timeout, CurrentTestCancellationToken());

    /// <summary>Waits until an attempt matching <paramref name="predicate"/> has ended (accepted, refused or aborted); see <see cref="SmtpTestServer.WaitForAttemptAsync"/>.</summary>
    /// <param name="predicate">Which attempt to wait for; <see langword="null"/> for any that ended.</param>
    /// <param name="timeout">How long to wait; the server's <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>.</param>
    /// <param name="predicateText">How the predicate reads in failure messages; filled in by the compiler from the argument's source text.</param>
    /// <returns>The first matching attempt, oldest first.</returns>
    /// <remarks>Under xUnit v3 the wait ends when the current test is cancelled.</remarks>
    /// <exception cref="SmtpWaitTimeoutException">No matching attempt ended in time; the message shows the predicate and lists what did arrive and what was refused.</exception>
    /// <exception cref="OperationCanceledException">The test was cancelled (xUnit v3).</exception>
    public Task<SmtpAttempt> WaitForAttemptAsync(
        Func<SmtpAttempt, bool>? predicate = null, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null) =>
        Server.WaitForAttemptAsync(predicate, timeout, CurrentTestCancellationToken(), predicateText);

    /// <summary>Waits until a command was refused (4xx or 5xx) in a way matching <paramref name="predicate"/>; see <see cref="SmtpTestServer.WaitForRefusalAsync"/>.</summary>
    /// <param name="predicate">Which refusal to wait for, e.g. <c>r =&gt; r.Reply.Code == 450</c>; <see langword="null"/> for any.</param>
    /// <param name="timeout">How long to wait; the server's <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>.</param>
    /// <param name="predicateText">How the predicate reads in failure messages; filled in by the compiler from the argument's source text.</param>
    /// <returns>The first matching refused command with its reply, oldest first.</returns>
    /// <remarks>Under xUnit v3 the wait ends when the current test is cancelled.</remarks>
    /// <exception cref="SmtpWaitTimeoutException">No matching refusal happened in time; the message shows the predicate and lists what did arrive and what was refused.</exception>
    /// <exception cref="OperationCanceledException">The test was cancelled (xUnit v3).</exception>
    public Task<SmtpExchange> WaitForRefusalAsync(
        Func<SmtpExchange, bool>? predicate = null, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null) =>
        Server.WaitForRefusalAsync(predicate, timeout, CurrentTestCancellationToken(), predicateText);

    /// <summary>The server's address and port, or a note that it is not running.</summary>
    public override string ToString() => _server?.ToString() ?? "SMTP server (not started)";

    /// <summary>
    /// Sets the server's options before it starts: policies, limits, advertised extensions, a clock. Override it in a
    /// derived fixture; the base implementation does nothing. Setting <see cref="SmtpTestServerOptions.LoggerFactory"/>
    /// here keeps the test output too: the log goes to both.
    /// </summary>
    /// <param name="options">The options, with their defaults.</param>
    protected virtual void Configure(SmtpTestServerOptions options)
    {
    }

    /// <summary>Builds the options, calls <see cref="Configure"/> and starts the server.</summary>
    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            return;
        }

        var options = new SmtpTestServerOptions();
        Configure(options);
        var provider = new TestOutputLoggerProvider(_router, () => OutputLevel);
        options.LoggerFactory = options.LoggerFactory is { } user
            ? new TeeLoggerFactory(user, provider)
            : new OutputLoggerFactory(provider);
        _server = await SmtpTestServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the server and frees its port, then fails with the policy errors no test has seen: a fixture outlives its
    /// tests, so this is the last place a broken policy can still fail the run.
    /// </summary>
    private async Task StopServerAsync()
    {
        var server = Interlocked.Exchange(ref _server, null);
        if (server is not null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            server.ThrowIfFaulted();
        }
    }

    /// <summary>Remembers the running test's output, where the framework can tell it (xUnit v3); nothing in v2.</summary>
    private partial void ObserveCurrentTest();

    /// <summary>The running test's cancellation token, where the framework has one (xUnit v3); none in v2.</summary>
    private partial CancellationToken CurrentTestCancellationToken();
}
