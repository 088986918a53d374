// The people of a sample organisation and who corresponds with whom.
//
// Internal users work in teams; each team looks after a few external accounts. A user's ties are
// the teammates, a few other colleagues, contacts at the team's accounts, contacts elsewhere and
// some free-mail contacts, ranked with Zipf weights so a few ties carry most of the traffic.
// Memory is O(users + contacts); nothing here grows with the number of messages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sample/organisation.h"
#include "sample/random.h"

namespace rapport::sample {

struct Person {
  std::string name;        // display name, UTF-8
  std::string address;     // local@domain
  std::string mailbox;     // as written in an address header (quoted or encoded per its form)
  std::string first;       // first name, for greetings and signatures
  int offset_minutes = 0;  // the person's time zone, east of UTC
  int32_t account = -1;    // index into accounts; -1 for users and free-mail contacts
  bool internal = false;
};

struct Account {
  std::string name;            // "Fabrikam Energy"
  std::string domain;          // "fabrikam-energy.example"
  uint32_t first_contact = 0;  // index into people
  uint32_t contact_count = 0;
};

struct User {
  uint32_t team = 0;
  uint32_t first_tie = 0;  // this user's ties are ties[first_tie, first_tie + tie_count)
  uint32_t tie_count = 0;
  WeightedIndex tie_pick;  // over the user's ties, Zipf by a random rank
};

struct Population {
  std::vector<Person> people;  // users first (person index == user index), then contacts
  std::vector<User> users;
  std::vector<Account> accounts;
  std::vector<uint32_t> ties;                // the person at the other end of each tie
  std::vector<std::vector<uint32_t>> teams;  // user indexes per team
  WeightedIndex user_pick;                   // how much each user writes
  // How many colleagues deal with each account: heavy-tailed, the first accounts are the key ones
  // the whole company works with, then a long tail each served by a team or a few people.
  WeightedIndex account_pick;
  uint32_t first_freemail = 0;  // people[first_freemail, end) are free-mail contacts
};

// How many internal users `messages` messages get when the spec does not say.
uint64_t UserCountFor(uint64_t messages);

// The spec's users, else UserCountFor(messages).
uint64_t UserCountFor(const OrganisationSpec& spec);

Population BuildPopulation(const OrganisationSpec& spec);

}  // namespace rapport::sample
