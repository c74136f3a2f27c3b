namespace SmtpFixture.FluentAssertions;

/// <summary>The <c>Should()</c> entry points for SmtpFixture's types.</summary>
public static class SmtpAssertionExtensions
{
    /// <summary>Starts assertions on what <paramref name="server"/> received and refused.</summary>
    /// <param name="server">The server to assert on.</param>
    /// <returns>The assertions; each one is immediate (see <see cref="SmtpTestServerAssertions"/>).</returns>
    public static SmtpTestServerAssertions Should(this SmtpTestServer server) => new(server);

    /// <summary>
    /// Starts assertions on what the server held by <paramref name="accessor"/> received and refused: a test asserts on
    /// its xUnit fixture (<c>smtp.Should().HaveReceived(1)</c>) as it would on the server.
    /// </summary>
    /// <param name="accessor">What holds the server, such as <c>SmtpServerFixture</c>.</param>
    /// <returns>The assertions on <see cref="ISmtpTestServerAccessor.Server"/>; each one is immediate (see <see cref="SmtpTestServerAssertions"/>).</returns>
    public static SmtpTestServerAssertions Should(this ISmtpTestServerAccessor accessor)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        return new(accessor.Server);
    }

    /// <summary>Starts assertions on a received message: its envelope, headers, bodies and attachments.</summary>
    /// <param name="message">The message to assert on.</param>
    /// <returns>The assertions.</returns>
    public static ReceivedMessageAssertions Should(this ReceivedMessage message) => new(message);
}
