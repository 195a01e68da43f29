#!/usr/bin/perl
# launch_fill.pl URL PASSWORD OWNER NCONV NMEMBERS PER [PREFIX] [JOBS]: fills an
# account fast through the API over kept-alive connections: registers (or
# logs in) the users PREFIX1.. so that each of NCONV new conversations of
# OWNER has NMEMBERS members, then every member posts PER messages in each.
# Prints the conversation ids, one a line. JOBS processes post in parallel.
use strict;
use warnings;
use IO::Socket::INET;
use JSON::PP;
use Socket qw(IPPROTO_TCP TCP_NODELAY);

my ($url, $pw, $owner, $nconv, $nmem, $per, $prefix, $jobs) = @ARGV;
die "usage: launch_fill.pl URL PASSWORD OWNER NCONV NMEMBERS PER [PREFIX] [JOBS]\n"
    unless defined $per;
$prefix //= 'u';
$jobs //= 1;
my $json = JSON::PP->new->canonical;
my ($hostport) = $url =~ m{^http://([^/]+)} or die "not an http URL: $url\n";
my $sock;

# connect_server: a kept-alive connection without Nagle's delay.
sub connect_server {
	$sock = IO::Socket::INET->new(PeerAddr => $hostport) or die "connect: $!\n";
	setsockopt($sock, IPPROTO_TCP, TCP_NODELAY, 1);
	binmode $sock;
}

# call METHOD PATH BODY [TOKEN] [OK]: the decoded answer (undef for status OK);
# dies on another status that is not 2xx.
sub call {
	my ($method, $path, $body, $token, $ok) = @_;
	connect_server() unless $sock;
	my $b = $json->encode($body);
	my $req = "$method $path HTTP/1.1\r\nHost: $hostport\r\n"
	    . "Content-Type: application/json\r\nContent-Length: " . length($b) . "\r\n";
	$req .= "Authorization: Bearer $token\r\n" if $token;
	print $sock "$req\r\n$b";
	my $head = '';
	while ($head !~ /\r\n\r\n/) {
		sysread($sock, $head, 65536, length $head) or die "$method $path: connection closed\n";
	}
	my ($h, $rest) = split /\r\n\r\n/, $head, 2;
	my ($status) = $h =~ m{^HTTP/1\.1 (\d+)} or die "bad answer: $h\n";
	my ($len) = $h =~ /content-length:\s*(\d+)/i;
	$len //= 0;
	while (length($rest) < $len) {
		sysread($sock, $rest, $len - length($rest), length $rest) or die "short answer\n";
	}
	undef $sock if $h =~ /connection:\s*close/i;
	return undef if $ok && $status == $ok;
	die "$method $path: $status $rest\n" if $status < 200 || $status > 299;
	return $json->decode($rest);
}

# token USER: registers USER, or logs in when the name is taken.
sub token {
	my ($u) = @_;
	my $a = call('POST', '/v1/register', {user => $u, password => $pw}, undef, 409)
	    // call('POST', '/v1/login', {user => $u, password => $pw});
	return $a->{token};
}

my @users = ($owner, map { "$prefix$_" } 1 .. $nmem - 1);
my %tok = map { $_ => token($_) } @users;
my @convs;
for my $i (1 .. $nconv) {
	my $c = call('POST', '/v1/conversations',
	    {title => "fill-$prefix-$i", members => [@users[1 .. $#users]]}, $tok{$owner});
	push @convs, $c->{id};
}
my @kids;
for my $j (0 .. $jobs - 1) {
	my $pid = fork() // die "fork: $!\n";
	if ($pid) { push @kids, $pid; next }
	undef $sock;
	my $n = 0;
	for my $k (1 .. $per) {
		for my $c (@convs) {
			for my $u (@users) {
				next if $n++ % $jobs != $j;
				call('POST', "/v1/conversations/$c/messages",
				    {client_id => "f$j-$n-$$", body => "$u says $k in $c"}, $tok{$u});
			}
		}
	}
	exit 0;
}
my $bad = 0;
for (@kids) { waitpid($_, 0); $bad++ if $? }
die "a poster failed\n" if $bad;
print "$_\n" for @convs;
