using System.Linq.Expressions;
using FluentAssertions;
using FluentAssertions.Execution;
using FluentAssertions.Primitives;

namespace SmtpFixture.FluentAssertions;

/// <summary>
/// Assertions on what an <see cref="SmtpTestServer"/> received and refused. Every failure message ends with the
/// server's <see cref="SmtpTestServer.Describe"/>: the envelope and subject of each message and every refused attempt.
/// </summary>
/// <remarks>
/// Each assertion first throws the server's unreported policy errors (<see cref="SmtpTestServer.ThrowIfFaulted"/>):
/// a client that got <c>451</c> from a broken policy must not read as an ordinary refusal or a missing message.
/// The assertions are immediate: they look at what the server holds when they run and never wait. That is enough when
/// the test awaited the sending, because the server stores a message before it answers <c>250</c> to the end of data.
/// When the code under test sends in the background, first <c>await server.WaitForMessagesAsync(n)</c> or
/// <c>await server.WaitForMessageAsync(predicate)</c>, then assert.
/// </remarks>
public sealed class SmtpTestServerAssertions : ReferenceTypeAssertions<SmtpTestServer, SmtpTestServerAssertions>
{
    /// <summary>Creates assertions on <paramref name="server"/>; use <c>server.Should()</c>.</summary>
    /// <param name="server">The server to assert on.</param>
    public SmtpTestServerAssertions(SmtpTestServer server)
        : base(server)
    {
    }

    /// <inheritdoc />
    protected override string Identifier => "server";

    /// <summary>Asserts that exactly <paramref name="count"/> messages were received (since the start or the last reset).</summary>
    /// <param name="count">How many messages; 0 or more.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <see cref="ReceivedMessagesConstraint.Message"/> or <see cref="ReceivedMessagesConstraint.Messages"/> gives what arrived.</returns>
    [CustomAssertion]
    public ReceivedMessagesConstraint HaveReceived(int count, string because = "", params object[] becauseArgs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var messages = Subject.Messages;
        Subject.ThrowIfFaulted();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(messages.Count == count)
            .FailWith(
                "Expected {context:server} to have received " + FailureText.Count(count, "message") + "{reason}, but it received " + messages.Count + "."
                + Environment.NewLine + FailureText.Escape(Subject.Describe()));
        return new ReceivedMessagesConstraint(this, messages);
    }

    /// <summary>Asserts that no message was received (since the start or the last reset).</summary>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public AndConstraint<SmtpTestServerAssertions> HaveReceivedNoMessages(string because = "", params object[] becauseArgs)
    {
        var messages = Subject.Messages;
        Subject.ThrowIfFaulted();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(messages.Count == 0)
            .FailWith(
                "Expected {context:server} to have received no messages{reason}, but it received " + messages.Count + "."
                + Environment.NewLine + FailureText.Escape(Subject.Describe()));
        return new AndConstraint<SmtpTestServerAssertions>(this);
    }

    /// <summary>Asserts that at least one received message matches <paramref name="predicate"/>.</summary>
    /// <param name="predicate">The condition, shown in the failure message, e.g. <c>m =&gt; m.Subject == "Welcome"</c>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the matching message (it fails if several match).</returns>
    [CustomAssertion]
    public AndWhichConstraint<SmtpTestServerAssertions, ReceivedMessage> HaveReceivedMessageMatching(
        Expression<Func<ReceivedMessage, bool>> predicate, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var test = predicate.Compile();
        var matches = Subject.Messages.Where(test).ToArray();
        Subject.ThrowIfFaulted();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(matches.Length > 0)
            .FailWith(
                "Expected {context:server} to have received a message matching {0}{reason}, but none matched."
                + Environment.NewLine + FailureText.Escape(Subject.Describe()),
                predicate.Body);
        return new AndWhichConstraint<SmtpTestServerAssertions, ReceivedMessage>(this, matches);
    }

    /// <summary>Asserts that no received message matches <paramref name="predicate"/>.</summary>
    /// <param name="predicate">The condition, shown in the failure message.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public AndConstraint<SmtpTestServerAssertions> NotHaveReceivedMessageMatching(
        Expression<Func<ReceivedMessage, bool>> predicate, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var test = predicate.Compile();
        var matches = Subject.Messages.Where(test).ToArray();
        Subject.ThrowIfFaulted();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(matches.Length == 0)
            .FailWith(
                "Expected {context:server} to have received no message matching {0}{reason}, but "
                + FailureText.Count(matches.Length, "message") + " matched."
                + Environment.NewLine + FailureText.Escape(Subject.Describe()),
                predicate.Body);
        return new AndConstraint<SmtpTestServerAssertions>(this);
    }

    /// <summary>
    /// Asserts that a message was received with <paramref name="recipient"/> among its envelope recipients (RCPT TO),
    /// which is where Bcc recipients appear; the domain is compared without case.
    /// </summary>
    /// <param name="recipient">The mailbox, e.g. <c>alice@example.com</c>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the message (it fails if several were sent to the recipient).</returns>
    [CustomAssertion]
    public AndWhichConstraint<SmtpTestServerAssertions, ReceivedMessage> HaveReceivedMessageTo(
        string recipient, string because = "", params object[] becauseArgs)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        var matches = Subject.Messages.Where(m => m.Envelope.Recipients.Any(r => FailureText.SameMailbox(r, recipient))).ToArray();
        Subject.ThrowIfFaulted();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(matches.Length > 0)
            .FailWith(
                "Expected {context:server} to have received a message for envelope recipient {0}{reason}, but none was."
                + Environment.NewLine + FailureText.Escape(Subject.Describe()),
                recipient);
        return new AndWhichConstraint<SmtpTestServerAssertions, ReceivedMessage>(this, matches);
    }

    /// <summary>Asserts that no message was received with <paramref name="recipient"/> among its envelope recipients.</summary>
    /// <param name="recipient">The mailbox, e.g. <c>alice@example.com</c>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public AndConstraint<SmtpTestServerAssertions> NotHaveReceivedMessageTo(string recipient, string because = "", params object[] becauseArgs)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        var matches = Subject.Messages.Count(m => m.Envelope.Recipients.Any(r => FailureText.SameMailbox(r, recipient)));
        Subject.ThrowIfFaulted();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(matches == 0)
            .FailWith(
                "Expected {context:server} to have received no message for envelope recipient {0}{reason}, but "
                + FailureText.Count(matches, "message") + " arrived for it."
                + Environment.NewLine + FailureText.Escape(Subject.Describe()),
                recipient);
        return new AndConstraint<SmtpTestServerAssertions>(this);
    }

    /// <summary>
    /// Asserts that the server answered some command with reply code <paramref name="code"/>, at <paramref name="stage"/>
    /// when one is given: a refused RCPT TO, a greylisted MAIL FROM, a rejected message at the end of data.
    /// </summary>
    /// <param name="code">The 4xx or 5xx reply code, e.g. 550.</param>
    /// <param name="stage">The stage of the refused command, or <see langword="null"/> for any.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the first such exchange (command and reply).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not a 4xx or 5xx code.</exception>
    [CustomAssertion]
    public AndWhichConstraint<SmtpTestServerAssertions, SmtpExchange> HaveRefused(
        int code, SmtpStage? stage = null, string because = "", params object[] becauseArgs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 599);
        var match = Subject.Attempts
            .SelectMany(a => a.Exchanges)
            .FirstOrDefault(e => e.Reply.Code == code && (stage is null || e.Stage == stage));
        var where = stage is null ? string.Empty : " at " + stage;
        Subject.ThrowIfFaulted();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(match is not null)
            .FailWith(
                "Expected {context:server} to have refused a command with " + code + where + "{reason}, but it did not."
                + Environment.NewLine + FailureText.Escape(Subject.Describe()));
        return new AndWhichConstraint<SmtpTestServerAssertions, SmtpExchange>(this, match!);
    }
}
