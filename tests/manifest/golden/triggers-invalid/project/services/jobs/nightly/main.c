#include "asml.h"
