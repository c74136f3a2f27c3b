using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpFixture;

// 1. Start a real SMTP server on a free loopback port.
await using var server = await SmtpTestServer.StartAsync();
Console.WriteLine($"SMTP server listening on {server.Host}:{server.Port}");

// 2. Send a message through it, as the application under test would.
var message = new MimeMessage();
message.From.Add(new MailboxAddress("Shop", "orders@shop.example"));
message.To.Add(new MailboxAddress("Alice", "alice@example.com"));
message.Bcc.Add(new MailboxAddress("Audit", "audit@shop.example"));
message.Subject = "Your order #1042 has shipped";
message.Body = new BodyBuilder
{
    TextBody = "Your parcel is on its way.",
    HtmlBody = "<p>Your parcel is <b>on its way</b>.</p>",
}.ToMessageBody();

using (var client = new SmtpClient())
{
    await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
    var reply = await client.SendAsync(message);
    Console.WriteLine($"Server replied: {reply}");
    await client.DisconnectAsync(quit: true);
}

// 3. Look at what the server captured: the envelope (Bcc included), the parsed message and the exchange.
var received = await server.WaitForMessageAsync();
Console.WriteLine();
Console.WriteLine("Captured:");
Console.WriteLine($"  envelope  MAIL FROM:<{received.Envelope.MailFrom}>  RCPT TO: {string.Join(", ", received.Envelope.Recipients)}");
Console.WriteLine($"  subject   {received.Message.Subject}");
Console.WriteLine($"  text      {received.Message.TextBody?.Trim()}");
Console.WriteLine($"  html      {received.Message.HtmlBody?.Trim()}");
Console.WriteLine($"  size      {received.Size} bytes, queued as {received.Id}");
Console.WriteLine("  transcript:");
foreach (var exchange in received.Attempt.Exchanges)
{
    Console.WriteLine($"    {exchange}");
}
